package dev.lingon.kernel.process;

import dev.lingon.kernel.api.DomainSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The command line of a domain's process, from its spec: the domain's "hardware" is the JVM's, so
 * {@code memory} becomes the heap ({@code -Xmx}) and {@code vcpus} the processors the JVM believes it has
 * ({@code -XX:ActiveProcessorCount}, which also sizes the GC's and JIT's threads to the domain rather
 * than the host). A pure function of its inputs; {@link ProcessDomains} runs it.
 *
 * <p>Start-up time is the process backend's boot time, and most of a cold JVM's start is loading and
 * verifying classes (Pekko's, Kryo's, ours). With a CDS archive ({@link Settings#cdsArchive}) one domain
 * process writes a dynamic archive of every class it loaded when it exits ({@link Cds#WRITE},
 * {@code -XX:ArchiveClassesAtExit}) and later ones map it instead of loading ({@link Cds#USE}): the
 * "warm" boot. Only one writes, because writing takes seconds at exit and every writer would pay it
 * ({@code -XX:+AutoCreateSharedArchive} makes every process that started without the archive write
 * it). The JVM checks the archive against its own version and the class path's jars and ignores a
 * stale one; the archive's name covers both ({@code ProcessSettings}), so a rebuilt image gets a new one.
 *
 * @see DomainProcessMain the other end
 */
public final class DomainProcessCommand {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DomainProcessCommand.class);
    /** The main class of every domain process. */
    public static final String MAIN_CLASS = "dev.lingon.kernel.process.DomainProcessMain";
    /** The system property naming the domain, so that {@code ps} and {@code jcmd} show which process is which. */
    public static final String DOMAIN_PROPERTY = "lingon.domain";

    private DomainProcessCommand() {
    }

    /**
     * How domain processes are started.
     *
     * @param javaBinary  the {@code java} launcher (dom0's own, normally: the same JDK ≥ 25)
     * @param classPath   the image's class path: the application and Lingon's modules
     * @param cdsArchive  where the CDS archive of domain processes lives, or empty for no archive
     * @param jvmOptions  further options for every domain process (before the main class)
     * @param spares      spare processes kept started and warmed up for each shape (memory, vcpus) a
     *                    domain has been launched with, so that the next domain of that shape boots in
     *                    a JVM that is ready: 0 for none
     */
    public record Settings(Path javaBinary, String classPath, Optional<Path> cdsArchive, List<String> jvmOptions, int spares) {
        /** Without spare processes. */
        public Settings(Path javaBinary, String classPath, Optional<Path> cdsArchive, List<String> jvmOptions) {
            this(javaBinary, classPath, cdsArchive, jvmOptions, 0);
        }

        public Settings {
            if (spares < 0 || spares > 8) {
                throw new IllegalArgumentException("spare domain processes per shape must be 0..8, got " + spares);
            }
            Objects.requireNonNull(javaBinary, "javaBinary");
            Objects.requireNonNull(classPath, "classPath");
            Objects.requireNonNull(cdsArchive, "cdsArchive");
            jvmOptions = List.copyOf(jvmOptions);
            if (classPath.isBlank()) {
                throw new IllegalArgumentException("a domain process needs a class path holding its application and Lingon");
            }
        }

        /**
         * dom0's own JDK and class path: the image is what dom0 runs. Fails clearly when this JVM
         * cannot tell where its launcher is.
         */
        public static Settings ofThisJvm(Optional<Path> cdsArchive, List<String> jvmOptions) {
            Path java = ProcessHandle.current().info().command().map(Path::of)
                    .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java"));
            String classPath = System.getProperty("java.class.path");
            Optional<Path> dir = firstDirectory(classPath);
            if (cdsArchive.isPresent() && dir.isPresent()) {
                // The JVM archives classes from jars only, and fails the dump at every exit otherwise.
                log.info("domain processes boot without a CDS archive: the class path holds the directory {} (AppCDS needs jars)", dir.get());
                cdsArchive = Optional.empty();
            }
            return new Settings(java, classPath, cdsArchive, jvmOptions, 0);
        }

        /** The same, keeping {@code n} spare processes per shape. */
        public Settings withSpares(int n) {
            return new Settings(javaBinary, classPath, cdsArchive, jvmOptions, n);
        }

        /** The first entry of {@code classPath} that is a non-empty directory. */
        static Optional<Path> firstDirectory(String classPath) {
            for (String e : classPath.split(java.io.File.pathSeparator)) {
                Path p = Path.of(e.isEmpty() ? "." : e);
                if (java.nio.file.Files.isDirectory(p)) {
                    try (var entries = java.nio.file.Files.list(p)) {
                        if (entries.findAny().isPresent()) {
                            return Optional.of(p);
                        }
                    } catch (java.io.IOException ex) {
                        return Optional.of(p);
                    }
                }
            }
            return Optional.empty();
        }
    }

    /** What a domain process does with the CDS archive of {@link Settings#cdsArchive()}. */
    public enum Cds {
        /** Nothing: no archive is configured, or it is being written by another domain process. */
        NONE,
        /** Maps the archive, which exists: the warm boot. */
        USE,
        /** Boots cold and writes the archive of every class it loaded when it exits ({@code -XX:ArchiveClassesAtExit}). */
        WRITE
    }

    /** The command that starts {@code spec}'s domain process, which reads its config from {@code configFile}. */
    public static List<String> of(DomainSpec spec, Path configFile, Settings settings, Cds cds) {
        List<String> cmd = jvm(spec.memoryMiB(), spec.vcpus(), spec.name(), settings, cds);
        cmd.add("--config");
        cmd.add(configFile.toString());
        return cmd;
    }

    /**
     * The command that starts a spare domain process of that shape: a JVM started and warmed up ahead of
     * need, which becomes a domain when dom0 hands it a launch line on its standard input
     * ({@link DomainProcessMain}).
     */
    public static List<String> spare(int memoryMiB, int vcpus, Settings settings, Cds cds) {
        List<String> cmd = jvm(memoryMiB, vcpus, "(spare)", settings, cds);
        cmd.add("--spare");
        return cmd;
    }

    private static List<String> jvm(int memoryMiB, int vcpus, String domain, Settings settings, Cds cds) {
        List<String> cmd = new ArrayList<>();
        cmd.add(settings.javaBinary().toString());
        cmd.add("-Xmx" + memoryMiB + "m");
        cmd.add("-XX:ActiveProcessorCount=" + vcpus);
        if (cds != Cds.NONE) {
            Path a = settings.cdsArchive().orElseThrow(() -> new IllegalArgumentException("CDS " + cds + " without an archive"));
            cmd.add(cds == Cds.USE ? "-XX:SharedArchiveFile=" + a : "-XX:ArchiveClassesAtExit=" + a);
            // An archive the JVM finds stale is simply not used: say nothing of it.
            cmd.add("-Xlog:cds=off");
            cmd.add("-Xlog:cds+dynamic=off");
        }
        // Futexes and mapped files go through the FFM API's restricted methods.
        cmd.add("--enable-native-access=ALL-UNNAMED");
        // Pekko 1.7 still uses sun.misc.Unsafe; allowed explicitly so that JDK 25 does not warn on every boot.
        cmd.add("--sun-misc-unsafe-memory-access=allow");
        cmd.add("-Dkryo.unsafe=false");
        cmd.add("-D" + DOMAIN_PROPERTY + "=" + domain);
        cmd.add("-Dlogback.configurationFile=dev/lingon/kernel/cli/logback-cli.xml");
        cmd.addAll(settings.jvmOptions());
        cmd.add("-cp");
        cmd.add(settings.classPath());
        cmd.add(MAIN_CLASS);
        return cmd;
    }
}
