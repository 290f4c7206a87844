package dev.lingon.xen.serialization;

import com.esotericsoftware.minlog.Log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends Kryo's own log lines (minlog, which prints to {@code System.out}) to SLF4J. Minlog's logger is
 * one static per JVM; it is installed once, by the first serializer built, and minlog's level is left
 * as it is (warnings and errors by default). Called from whichever thread Kryo logs on; holds no state.
 */
final class MinlogBridge extends Log.Logger {
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();
    private static final Logger log = LoggerFactory.getLogger("com.esotericsoftware.kryo");

    private MinlogBridge() {
    }

    static void install() {
        if (INSTALLED.compareAndSet(false, true)) {
            Log.setLogger(new MinlogBridge());
        }
    }

    @Override
    public void log(int level, String category, String message, Throwable ex) {
        String line = category == null ? message : category + ": " + message;
        switch (level) {
            case Log.LEVEL_ERROR -> log.error(line, ex);
            case Log.LEVEL_WARN -> log.warn(line, ex);
            case Log.LEVEL_INFO -> log.info(line, ex);
            case Log.LEVEL_DEBUG -> log.debug(line, ex);
            default -> log.trace(line, ex);
        }
    }
}
