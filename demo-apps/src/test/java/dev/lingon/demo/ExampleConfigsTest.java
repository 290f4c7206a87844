package dev.lingon.demo;

import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.kernel.config.DomainConfigParser;
import dev.lingon.kernel.dom0.Dom0;
import dev.lingon.supervision.api.domain.DomainAction;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The configs under examples/ledger, which the README tells users to run, parse and boot into a working ledger. */
class ExampleConfigsTest {
    private static final Path EXAMPLES = Path.of("..", "examples", "ledger");

    private static List<DomainSpec> specs() throws IOException {
        DomainConfigParser parser = DomainConfigParser.checkingApplications(ExampleConfigsTest.class.getClassLoader());
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".cfg")).sorted().map(parser::parse).toList();
        }
    }

    @Test
    void theLedgerExampleParsesWithItsRestartPolicy() throws IOException {
        List<DomainSpec> specs = specs();
        assertEquals(List.of("frontend", "shard-1", "shard-2"), specs.stream().map(DomainSpec::name).toList());
        for (DomainSpec s : specs) {
            assertEquals(DomainAction.RESTART, s.policy().onCrash(), s.name());
        }
        assertEquals("shard-1,shard-2", specs.getFirst().extra().get("shards"));
    }

    @Test
    void theLedgerExampleBootsAndBooksDeposits() throws IOException {
        DemoStats.reset();
        try (Dom0 dom0 = Dom0.start()) {
            for (DomainSpec s : specs()) {
                dom0.toolstack().create(s);
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> DemoStats.booked().getOrDefault("shard-1", 0L) > 0
                    && DemoStats.booked().getOrDefault("shard-2", 0L) > 0);
        }
    }
}
