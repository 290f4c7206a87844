package dev.lingon.kernel.process;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.supervision.api.domain.DomainRestartPolicy;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DomainProcessCommandTest {
    private static final DomainSpec SPEC = new DomainSpec("shard-1", 3, 384, "com.example.Shard", DomainRestartPolicy.defaults(),
            DomainSpec.Backend.PROCESS, Map.of(), "code");

    @Test
    void memoryBecomesTheHeapAndVcpusTheProcessorsTheJvmSees() {
        List<String> cmd = DomainProcessCommand.of(SPEC, Path.of("run/dom3-g7.cfg"),
                new DomainProcessCommand.Settings(Path.of("/jdk/bin/java"), "a.jar:b.jar", Optional.empty(), List.of("-Dx=y")),
                DomainProcessCommand.Cds.NONE);

        assertEquals("/jdk/bin/java", cmd.getFirst());
        assertTrue(cmd.contains("-Xmx384m"), cmd::toString);
        assertTrue(cmd.contains("-XX:ActiveProcessorCount=3"), cmd::toString);
        assertTrue(cmd.contains("-Dlingon.domain=shard-1"), cmd::toString);
        assertTrue(cmd.contains("-Dx=y"), cmd::toString);
        assertFalse(cmd.stream().anyMatch(a -> a.startsWith("-XX:SharedArchiveFile")), "no archive asked for");
        assertEquals(List.of("-cp", "a.jar:b.jar", DomainProcessCommand.MAIN_CLASS, "--config", "run/dom3-g7.cfg"),
                cmd.subList(cmd.size() - 5, cmd.size()));
        assertTrue(cmd.indexOf("-Dx=y") < cmd.indexOf("-cp"), "options go before the main class");
    }

    @Test
    void aCdsArchiveIsEitherMappedOrWrittenAtExit() {
        DomainProcessCommand.Settings s = new DomainProcessCommand.Settings(Path.of("java"), "a.jar",
                Optional.of(Path.of("/cache/lingon.jsa")), List.of());

        List<String> use = DomainProcessCommand.of(SPEC, Path.of("c.cfg"), s, DomainProcessCommand.Cds.USE);
        List<String> write = DomainProcessCommand.of(SPEC, Path.of("c.cfg"), s, DomainProcessCommand.Cds.WRITE);
        List<String> none = DomainProcessCommand.of(SPEC, Path.of("c.cfg"), s, DomainProcessCommand.Cds.NONE);

        assertTrue(use.contains("-XX:SharedArchiveFile=/cache/lingon.jsa"), use::toString);
        assertTrue(write.contains("-XX:ArchiveClassesAtExit=/cache/lingon.jsa"), write::toString);
        assertFalse(none.stream().anyMatch(a -> a.contains("Archive")), none::toString);
        assertThrows(IllegalArgumentException.class, () -> DomainProcessCommand.of(SPEC, Path.of("c.cfg"),
                new DomainProcessCommand.Settings(Path.of("java"), "a.jar", Optional.empty(), List.of()), DomainProcessCommand.Cds.USE));
    }

    @Test
    void aSpareIsStartedWithItsShapeAndWaitsForItsDomain() {
        List<String> cmd = DomainProcessCommand.spare(512, 2,
                new DomainProcessCommand.Settings(Path.of("java"), "a.jar", Optional.empty(), List.of(), 1), DomainProcessCommand.Cds.NONE);

        assertTrue(cmd.contains("-Xmx512m") && cmd.contains("-XX:ActiveProcessorCount=2"), cmd::toString);
        assertEquals(List.of(DomainProcessCommand.MAIN_CLASS, "--spare"), cmd.subList(cmd.size() - 2, cmd.size()));
        assertThrows(IllegalArgumentException.class,
                () -> new DomainProcessCommand.Settings(Path.of("java"), "a.jar", Optional.empty(), List.of(), 9));
    }

    @Test
    void aDomainProcessNeedsAClassPath() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DomainProcessCommand.Settings(Path.of("java"), " ", Optional.empty(), List.of()));
        assertTrue(e.getMessage().contains("class path"), e.getMessage());
    }
}
