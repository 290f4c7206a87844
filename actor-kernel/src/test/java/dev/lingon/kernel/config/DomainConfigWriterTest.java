package dev.lingon.kernel.config;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.supervision.api.domain.DomainAction;
import dev.lingon.supervision.api.domain.DomainRestartPolicy;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DomainConfigWriterTest {

    private static DomainSpec readBack(DomainSpec spec) {
        return new DomainConfigParser().parse(DomainConfigWriter.write(spec), "written");
    }

    @Test
    void aSpecReadsBackEqualExceptItsSource() {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("port", "8080");
        extra.put("greeting", "say \"hi\"\\ then\ttab\nnewline = still one value");
        DomainSpec spec = new DomainSpec("web-1", 3, 512, "com.example.Web$App",
                new DomainRestartPolicy(DomainAction.RESTART, DomainAction.RENAME_RESTART, DomainAction.PRESERVE,
                        DomainAction.COREDUMP_RESTART, DomainAction.DESTROY, 4, Duration.ofSeconds(90)),
                DomainSpec.Backend.PROCESS, extra, "code");

        DomainSpec back = readBack(spec);

        assertEquals("written", back.source());
        assertEquals(new DomainSpec(spec.name(), spec.vcpus(), spec.memoryMiB(), spec.application(), spec.policy(),
                spec.backend(), spec.extra(), "written"), back);
    }

    @Test
    void defaultsAreWrittenOutAndReadBack() {
        DomainSpec spec = new DomainSpec("plain", 1, 256, "a.B", DomainRestartPolicy.defaults(), DomainSpec.Backend.INPROC,
                Map.of(), "x.cfg");

        String text = DomainConfigWriter.write(spec);

        assertTrue(text.contains("on_crash = \"destroy\""), text);
        assertTrue(text.contains("restart_intensity = \"1/5\""), text);
        assertTrue(text.contains("backend = \"inproc\""), text);
        assertFalse(text.contains("extra"), text);
        assertEquals(DomainRestartPolicy.defaults(), readBack(spec).policy());
    }

    @Test
    void aControlCharacterThatConfigStringsCannotCarryIsRefusedByName() {
        DomainSpec spec = new DomainSpec("bell", 1, 256, "a.B", DomainRestartPolicy.defaults(), DomainSpec.Backend.INPROC,
                Map.of("k", "ding\u0007"), "code");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DomainConfigWriter.write(spec));
        assertTrue(e.getMessage().contains("U+0007"), e.getMessage());
    }
}
