package dev.lingon.kernel.config;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainContext;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.supervision.api.SupervisorSpec;
import dev.lingon.supervision.api.domain.DomainAction;
import dev.lingon.supervision.api.domain.DomainRestartPolicy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DomainConfigParserTest {

    private static final String MINIMAL = """
            name = "web"
            application = "com.example.WebApp"
            """;

    private final DomainConfigParser parser = new DomainConfigParser();

    private DomainSpec parse(String text) {
        return parser.parse(text, "web.cfg");
    }

    /** Parses {@code text}, expects a refusal and answers its message. */
    private String error(String text) {
        return assertThrows(ConfigException.class, () -> parse(text)).getMessage();
    }

    @Nested
    class Accepted {

        @Test
        void minimalFileTakesXensDefaults() {
            DomainSpec spec = parse(MINIMAL);
            assertEquals("web", spec.name());
            assertEquals("com.example.WebApp", spec.application());
            assertEquals(1, spec.vcpus());
            assertEquals(256, spec.memoryMiB());
            assertEquals(DomainRestartPolicy.defaults(), spec.policy());
            assertEquals(DomainSpec.Backend.INPROC, spec.backend());
            assertEquals(Map.of(), spec.extra());
            assertEquals("web.cfg", spec.source());
        }

        @Test
        void everyKey() {
            DomainSpec spec = parse("""
                    # The web tier.
                    name          = "web-1"
                    application   = "com.example.WebApp"
                    vcpus         = 4
                    memory        = 1024      # MiB
                    on_poweroff   = "preserve"
                    on_reboot     = "rename-restart"
                    on_watchdog   = "coredump-restart"
                    on_crash      = "restart"
                    on_soft_reset = "destroy"
                    restart_intensity = "3/60"
                    backend       = "process"
                    extra = [ "port=8080", "greeting=hello = world", "empty=" ]
                    """);
            assertEquals("web-1", spec.name());
            assertEquals(4, spec.vcpus());
            assertEquals(1024, spec.memoryMiB());
            DomainRestartPolicy p = spec.policy();
            assertEquals(DomainAction.PRESERVE, p.onPoweroff());
            assertEquals(DomainAction.RENAME_RESTART, p.onReboot());
            assertEquals(DomainAction.COREDUMP_RESTART, p.onWatchdog());
            assertEquals(DomainAction.RESTART, p.onCrash());
            assertEquals(DomainAction.DESTROY, p.onSoftReset());
            assertEquals(3, p.intensity());
            assertEquals(Duration.ofSeconds(60), p.period());
            assertEquals(DomainSpec.Backend.PROCESS, spec.backend());
            assertEquals(Map.of("port", "8080", "greeting", "hello = world", "empty", ""), spec.extra());
        }

        @Test
        void listsSpanLinesWithCommentsAndATrailingComma() {
            DomainSpec spec = parse(MINIMAL + """
                    extra = [
                        "a=1",   # first
                        # a whole comment line
                        "b=2",
                    ]
                    vcpus = 2
                    """);
            assertEquals(Map.of("a", "1", "b", "2"), spec.extra());
            assertEquals(2, spec.vcpus());
        }

        @Test
        void emptyListSemicolonsSingleQuotesAndEscapes() {
            DomainSpec spec = parse("name = 'web'; application = \"com.example.WebApp\"; extra = []\n"
                    + "vcpus=2;memory=64\r\n");
            assertEquals("web", spec.name());
            assertEquals(Map.of(), spec.extra());
            assertEquals(2, spec.vcpus());
            assertEquals(64, spec.memoryMiB());
            DomainSpec escaped = parse(MINIMAL + "extra = [ \"quote=\\\"x\\\"\", 'tab=a\\tb', \"back=\\\\\" ]\n");
            assertEquals(Map.of("quote", "\"x\"", "tab", "a\tb", "back", "\\"), escaped.extra());
        }

        @Test
        void actionsAcceptTheUnderscoreSpellingAndIntensityASecondsSuffix() {
            DomainSpec spec = parse(MINIMAL + "on_crash = \"coredump_destroy\"\nrestart_intensity = \" 0 / 10s \"\n");
            assertEquals(DomainAction.COREDUMP_DESTROY, spec.policy().onCrash());
            assertEquals(0, spec.policy().intensity());
            assertEquals(Duration.ofSeconds(10), spec.policy().period());
        }

        @Test
        void noFinalNewlineAndAByteOrderMark() {
            assertEquals("web", parse("\uFEFFname = \"web\"\napplication = \"a.B\"").name());
        }

        @Test
        void fromAFileNamedAsGiven(@TempDir Path dir) throws IOException {
            Path file = dir.resolve("web.cfg");
            Files.writeString(file, MINIMAL);
            DomainSpec spec = parser.parse(file);
            assertEquals("web", spec.name());
            assertEquals(file.toString(), spec.source());
        }

        @Test
        void checkingApplicationsLoadsTheClass() {
            DomainSpec spec = DomainConfigParser.checkingApplications(getClass().getClassLoader())
                    .parse("name = \"web\"\napplication = \"" + NoopApp.class.getName() + "\"\n", "web.cfg");
            assertEquals(NoopApp.class.getName(), spec.application());
        }
    }

    @Nested
    class Refused {

        @Test
        void theExampleOfTheIssue() {
            assertEquals("web.cfg:5: on_crash must be one of destroy, restart, rename-restart, preserve, coredump-destroy, "
                            + "coredump-restart, soft-reset; got \"explode\"",
                    error(MINIMAL + "\n# crash policy\non_crash = \"explode\"\n"));
        }

        @Test
        void theExceptionCarriesItsParts() {
            ConfigException e = assertThrows(ConfigException.class, () -> parse(MINIMAL + "vcpus = 0\n"));
            assertEquals("web.cfg", e.source());
            assertEquals(3, e.line());
            assertEquals("vcpus must be between 1 and 32; got 0", e.problem());
        }

        @Test
        void unknownKeySuggestsTheNearOne() {
            assertEquals("web.cfg:3: unknown key vpcus (did you mean vcpus?); expected one of name, application, vcpus, "
                            + "memory, on_poweroff, on_reboot, on_watchdog, on_crash, on_soft_reset, restart_intensity, backend, extra",
                    error(MINIMAL + "vpcus = 2\n"));
            assertTrue(error(MINIMAL + "kernel = \"/boot/vmlinuz\"\n").startsWith("web.cfg:3: unknown key kernel; expected one of"));
        }

        @Test
        void keySetTwice() {
            assertEquals("web.cfg:4: vcpus is set twice (first on line 2)",
                    error("name = \"web\"\nvcpus = 1\napplication = \"a.B\"\nvcpus = 2\n"));
        }

        @Test
        void missingRequiredKeys() {
            assertEquals("web.cfg: name is required: the domain's name, e.g. name = \"web\"",
                    error("application = \"a.B\"\n"));
            assertEquals("web.cfg: application is required: the Application class to boot, e.g. application = \"com.example.WebApp\"",
                    error("name = \"web\"\n"));
            assertEquals("web.cfg: name is required: the domain's name, e.g. name = \"web\"", error("# nothing\n\n"));
        }

        @Test
        void theFirstWrongLineIsReported() {
            assertEquals("web.cfg:1: vcpus must be between 1 and 32; got 99", error("vcpus = 99\nmemory = 1\n"));
        }

        @ParameterizedTest(name = "{0} = {1}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
                name        | 42                 | name must be a "quoted string"; got 42
                name        | [ "web" ]          | name must be a "quoted string"; got [ "web" ]
                name        | "my web"           | name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit; got "my web"
                name        | ""                 | name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit; got ""
                name        | "-web"             | name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit; got "-web"
                name        | "12"               | name must not be all digits (it would read as a domain id); got "12"
                name        | "Domain-0"         | name "Domain-0" is dom0's own; choose another
                application | "not a class"      | application must be the fully qualified name of a Java class (e.g. "com.example.WebApp"); got "not a class"
                application | 7                  | application must be a "quoted string"; got 7
                vcpus       | "2"                | vcpus must be an integer; got "2"
                vcpus       | 0                  | vcpus must be between 1 and 32; got 0
                vcpus       | 33                 | vcpus must be between 1 and 32; got 33
                memory      | 8                  | memory must be between 16 and 1048576 (MiB); got 8
                memory      | "512"              | memory must be an integer (MiB); got "512"
                memory      | -1                 | memory must be between 16 and 1048576 (MiB); got -1
                on_poweroff | "halt"             | on_poweroff must be one of destroy, restart, rename-restart, preserve, coredump-destroy, coredump-restart, soft-reset; got "halt"
                on_reboot   | 1                  | on_reboot must be a "quoted string"; got 1
                on_watchdog | "reboot"           | on_watchdog must be one of destroy, restart, rename-restart, preserve, coredump-destroy, coredump-restart, soft-reset; got "reboot"
                on_soft_reset | ""               | on_soft_reset must be one of destroy, restart, rename-restart, preserve, coredump-destroy, coredump-restart, soft-reset; got ""
                restart_intensity | "3 per minute" | restart_intensity must be "RESTARTS/SECONDS" (e.g. "3/60": at most 3 restarts within 60 s); got "3 per minute"
                restart_intensity | "-1/5"       | restart_intensity must be "RESTARTS/SECONDS" (e.g. "3/60": at most 3 restarts within 60 s); got "-1/5"
                restart_intensity | "3/0"        | restart_intensity needs a period of at least 1 second; got "3/0"
                restart_intensity | 3            | restart_intensity must be a "quoted string"; got 3
                backend     | "xen"              | backend must be one of inproc, process; got "xen"
                extra       | "port=1"           | extra must be a list of "key=value" strings, e.g. extra = [ "port=8080" ]; got "port=1"
                extra       | [ 1 ]              | extra entries must be "key=value" strings; got 1
                extra       | [ "debug" ]        | extra entries must be "key=value" with a key of letters, digits, '.', '_' or '-'; got "debug"
                extra       | [ "=x" ]           | extra entries must be "key=value" with a key of letters, digits, '.', '_' or '-'; got "=x"
                extra       | [ "a=1", "a=2" ]   | extra sets a twice
                """)
        void badValues(String key, String value, String expected) {
            String others = key.equals("name") ? "application = \"a.B\"\n"
                    : key.equals("application") ? "name = \"web\"\n" : MINIMAL;
            // The setting goes on line 2 below a comment so the line number is checked, not assumed.
            String text = "# config\n" + key + " = " + value + "\n" + others;
            assertEquals("web.cfg:2: " + expected, error(text));
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
                `= 3`                       | 3 | expected a key (a name such as vcpus); got "="
                `vcpus 3`                   | 3 | expected "=" after vcpus; got "3"
                `vcpus`                     | 3 | expected "=" after vcpus; got the end of the line
                `vcpus =`                   | 3 | missing value after "vcpus ="
                `vcpus = # two`             | 3 | missing value after "vcpus ="
                `on_crash = restart`        | 3 | the value of on_crash must be a "quoted string", an integer or a [ list ]; got restart (write "restart")
                `vcpus = 2 3`               | 3 | expected the end of the line after the value of vcpus; got "3"
                `memory = 512M`             | 3 | expected an integer; got 512M (sizes are plain numbers: memory is in MiB)
                `memory = 1.5`              | 3 | expected an integer; got 1.5
                `vcpus = 99999999999999999999` | 3 | integer 99999999999999999999 is out of range
                `name2 = "x`                | 3 | string is not closed: expected " before the end of the line
                `name2 = "a\\q"`            | 3 | unknown escape \\q in a string; expected one of \\\\ \\" \\' \\n \\t
                `extra = [ "a=1" "b=2" ]`   | 3 | expected "," or "]" in the list of extra; got '"'
                `extra = [ , ]`             | 3 | expected a value in the list of extra; got ","
                `extra = [ [ "a=1" ] ]`     | 3 | lists cannot be nested (in extra)
                `extra = [ "a=1",`          | 3 | the list of extra opened here is not closed: expected "]"
                `vcpus = @`                 | 3 | expected a value for vcpus (a "quoted string", an integer or a [ list ]); got "@"
                """)
        void syntax(String line, int lineNo, String expected) {
            assertEquals("web.cfg:" + lineNo + ": " + expected, error(MINIMAL + line + "\n"));
        }

        @Test
        void aKeyAtTheEndOfTheFile() {
            assertEquals("web.cfg:3: expected \"=\" after vcpus; got the end of the file", error(MINIMAL + "vcpus"));
        }

        @Test
        void anUnclosedListSpanningLinesNamesTheLineThatOpenedIt() {
            assertEquals("web.cfg:3: the list of extra opened here is not closed: expected \"]\"",
                    error(MINIMAL + "extra = [\n \"a=1\",\n # more to come\n"));
        }

        @Test
        void aBadElementOnALaterLineOfAListNamesItsOwnLine() {
            assertEquals("web.cfg:5: extra entries must be \"key=value\" with a key of letters, digits, '.', '_' or '-'; got \"oops\"",
                    error(MINIMAL + "extra = [\n \"a=1\",\n \"oops\"\n]\n"));
        }

        @Test
        void applicationsAreCheckedWhenAskedTo() {
            DomainConfigParser checking = DomainConfigParser.checkingApplications(getClass().getClassLoader());
            assertEquals("web.cfg:2: application class com.example.Missing is not on the class path",
                    assertThrows(ConfigException.class,
                            () -> checking.parse("name = \"web\"\napplication = \"com.example.Missing\"\n", "web.cfg")).getMessage());
            assertEquals("web.cfg:2: application class java.lang.String does not implement dev.lingon.kernel.api.Application",
                    assertThrows(ConfigException.class,
                            () -> checking.parse("name = \"web\"\napplication = \"java.lang.String\"\n", "web.cfg")).getMessage());
        }

        @Test
        void unreadableFiles(@TempDir Path dir) throws IOException {
            Path missing = dir.resolve("nope.cfg");
            assertEquals(missing + ": no such file",
                    assertThrows(ConfigException.class, () -> parser.parse(missing)).getMessage());
            Path binary = dir.resolve("bin.cfg");
            Files.write(binary, new byte[] {(byte) 0xC3, (byte) 0x28});
            assertEquals(binary + ": is not UTF-8 text", assertThrows(ConfigException.class, () -> parser.parse(binary)).getMessage());
            Path bad = dir.resolve("bad.cfg");
            Files.writeString(bad, MINIMAL + "vcpus = 0\n", StandardCharsets.UTF_8);
            assertEquals(bad + ":3: vcpus must be between 1 and 32; got 0",
                    assertThrows(ConfigException.class, () -> parser.parse(bad)).getMessage());
            assertTrue(assertThrows(ConfigException.class, () -> parser.parse(dir)).getMessage().startsWith(dir + ": cannot be read: "),
                    "a directory is refused");
        }
    }

    /** An application for the class check; never booted here. */
    public static final class NoopApp implements Application {
        @Override
        public SupervisorSpec supervisor(DomainContext ctx) {
            throw new UnsupportedOperationException("not booted in these tests");
        }
    }
}
