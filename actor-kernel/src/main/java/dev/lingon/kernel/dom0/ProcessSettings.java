package dev.lingon.kernel.dom0;

import dev.lingon.xen.api.Hypervisor;
import dev.lingon.xen.remote.DomainFiles;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How this dom0 starts process domains, from its environment:
 * <ul>
 *   <li>{@code LINGON_CDS}: {@code off} for no class-data-sharing archive; a path for that archive; unset
 *   for {@code $XDG_CACHE_HOME/lingon/cds/domain-<hash>.jsa} (or {@code ~/.cache/…}), where the hash
 *   covers the JDK, the class path and its jars' sizes and times, so a rebuilt image gets its own
 *   archive (old ones are left; delete the directory to reclaim them);</li>
 *   <li>{@code LINGON_DOMAIN_JAVA_OPTS}: further JVM options for every domain process, split at spaces;</li>
 *   <li>{@code LINGON_SPARE_DOMAINS}: spare domain processes kept started and warm for each shape
 *   (memory, vcpus) a process domain was launched with, default 1, 0 for none.</li>
 * </ul>
 */
final class ProcessSettings {
    private static final Logger log = LoggerFactory.getLogger(ProcessSettings.class);

    private ProcessSettings() {
    }

    static Optional<Path> cdsArchive() {
        return cdsArchive(System.getenv(), System.getProperty("user.home"), System.getProperty("java.home"),
                System.getProperty("java.version"), System.getProperty("java.class.path"));
    }

    static Optional<Path> cdsArchive(Map<String, String> env, String userHome, String javaHome, String javaVersion, String classPath) {
        String setting = env.getOrDefault("LINGON_CDS", "").strip();
        if (setting.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        if (!setting.isEmpty()) {
            return Optional.of(Path.of(setting));
        }
        String cache = env.getOrDefault("XDG_CACHE_HOME", "");
        Path dir = (cache.isBlank() ? Path.of(userHome, ".cache") : Path.of(cache)).resolve("lingon").resolve("cds");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            log.warn("no CDS archive for domain processes: cannot create {} ({}); they boot cold", dir, e.toString());
            return Optional.empty();
        }
        return Optional.of(dir.resolve("domain-" + hash(javaHome + "\n" + javaVersion + "\n" + classPath + "\n" + stamps(classPath)) + ".jsa"));
    }

    /** Sizes and times of the class path's entries: a rebuilt jar at the same path makes a new archive name. */
    private static String stamps(String classPath) {
        StringBuilder b = new StringBuilder();
        for (String e : classPath.split(java.io.File.pathSeparator)) {
            try {
                Path p = Path.of(e);
                b.append(Files.size(p)).append('@').append(Files.getLastModifiedTime(p).toMillis()).append(';');
            } catch (IOException | RuntimeException ex) {
                b.append("-;");
            }
        }
        return b.toString();
    }

    /** {@code LINGON_SPARE_DOMAINS}: spare domain processes kept warm per shape, 0..8, default 1. */
    static int spares() {
        String v = System.getenv().getOrDefault("LINGON_SPARE_DOMAINS", "1").strip();
        try {
            int n = Integer.parseInt(v);
            if (n >= 0 && n <= 8) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("LINGON_SPARE_DOMAINS must be a whole number from 0 to 8; got '" + v + "'");
    }

    static List<String> jvmOptions() {
        String opts = System.getenv().getOrDefault("LINGON_DOMAIN_JAVA_OPTS", "").strip();
        return opts.isEmpty() ? List.of() : Arrays.asList(opts.split("\\s+"));
    }

    private static String hash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Where the hypervisor keeps each domain's pages, for the hypercall server. */
    static DomainFiles domainFiles(Hypervisor hv) {
        return DomainFiles.of(hv);
    }
}
