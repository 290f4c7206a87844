package dev.lingon.kernel.config;

import dev.lingon.kernel.api.Application;
import dev.lingon.kernel.api.DomainSpec;
import dev.lingon.supervision.api.domain.DomainAction;
import dev.lingon.supervision.api.domain.DomainRestartPolicy;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Turns a domain config file (grammar and keys in the package javadoc) into a {@link DomainSpec}, or
 * refuses it with a {@link ConfigException} that names the file, the line and what was expected.
 *
 * <p>By default the {@code application} is only checked to be a well-formed class name, since the
 * toolstack that boots the domain loads it; {@link #checkingApplications(ClassLoader)} also loads it, so
 * that a missing or wrong class is reported with the line that names it. Immutable and thread-safe.
 */
public final class DomainConfigParser {

    /** The keys a domain config may set, in the order they are documented. */
    public static final List<String> KEYS = List.of("name", "application", "vcpus", "memory", "on_poweroff", "on_reboot",
            "on_watchdog", "on_crash", "on_soft_reset", "restart_intensity", "backend", "extra");

    /** dom0's own name in {@code lingon list}, as Xen's; no other domain may take it. */
    public static final String DOM0_NAME = "Domain-0";

    private static final int DEFAULT_VCPUS = 1;
    private static final int DEFAULT_MEMORY_MIB = 256;
    private static final int MAX_VCPUS = 32;
    private static final int MIN_MEMORY_MIB = 16;
    private static final int MAX_MEMORY_MIB = 1 << 20;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final String IDENTIFIER = "\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*";
    /** A binary class name: dotted identifiers, nested classes after '$'. */
    private static final Pattern CLASS_NAME =
            Pattern.compile(IDENTIFIER + "(\\." + IDENTIFIER + ")*(\\$\\p{javaJavaIdentifierPart}+)*");
    private static final Pattern INTENSITY = Pattern.compile("\\s*(\\d{1,9})\\s*/\\s*(\\d{1,9})\\s*s?\\s*");
    private static final Pattern EXTRA_KEY = Pattern.compile("[A-Za-z0-9._-]+");

    private static final String ACTIONS =
            Arrays.stream(DomainAction.values()).map(DomainAction::xlName).collect(Collectors.joining(", "));
    private static final String BACKENDS =
            Arrays.stream(DomainSpec.Backend.values()).map(DomainConfigParser::backendName).collect(Collectors.joining(", "));

    private final Optional<ClassLoader> applicationLoader;

    /** A parser that checks the application's class name only for its form. */
    public DomainConfigParser() {
        this(Optional.empty());
    }

    private DomainConfigParser(Optional<ClassLoader> applicationLoader) {
        this.applicationLoader = applicationLoader;
    }

    /** A parser that also loads the application class through {@code loader} and checks it is an {@link Application}. */
    public static DomainConfigParser checkingApplications(ClassLoader loader) {
        return new DomainConfigParser(Optional.of(loader));
    }

    /** Parses a file; messages name it as given ({@code web.cfg:5: …} for {@code Path.of("web.cfg")}). */
    public DomainSpec parse(Path file) {
        String source = file.toString();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(source, 0, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException(source, 0, "cannot be read: permission denied", e);
        } catch (IOException e) {
            throw new ConfigException(source, 0, "cannot be read: " + e.getMessage(), e);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(source, 0, "is not UTF-8 text", e);
        }
        return parse(text, source);
    }

    /** Parses config text; {@code source} names it in messages and becomes {@link DomainSpec#source()}. */
    public DomainSpec parse(String text, String source) {
        Map<String, ConfigValue.Setting> settings = new LinkedHashMap<>();
        for (ConfigValue.Setting s : ConfigReader.read(text, source)) {
            if (!KEYS.contains(s.key())) {
                throw new ConfigException(source, s.line(), "unknown key " + s.key() + suggestion(s.key())
                        + "; expected one of " + String.join(", ", KEYS));
            }
            ConfigValue.Setting first = settings.putIfAbsent(s.key(), s);
            if (first != null) {
                throw new ConfigException(source, s.line(), s.key() + " is set twice (first on line " + first.line() + ")");
            }
        }
        return new Spec(source, settings).build();
    }

    /** The checks of one file's settings; single use. */
    private final class Spec {
        private final String source;
        private final Map<String, ConfigValue.Setting> settings;

        Spec(String source, Map<String, ConfigValue.Setting> settings) {
            this.source = source;
            this.settings = settings;
        }

        /** Checks the values in file order (so the first wrong line is reported), then the required keys. */
        DomainSpec build() {
            String name = null;
            String application = null;
            int vcpus = DEFAULT_VCPUS;
            int memory = DEFAULT_MEMORY_MIB;
            DomainRestartPolicy policy = DomainRestartPolicy.defaults();
            DomainSpec.Backend backend = DomainSpec.Backend.INPROC;
            Map<String, String> extra = Map.of();
            for (ConfigValue.Setting s : settings.values()) {
                ConfigValue v = s.value();
                switch (s.key()) {
                    case "name" -> name = name(v);
                    case "application" -> application = application(v);
                    case "vcpus" -> vcpus = intIn(v, "vcpus", 1, MAX_VCPUS, "");
                    case "memory" -> memory = intIn(v, "memory", MIN_MEMORY_MIB, MAX_MEMORY_MIB, " (MiB)");
                    case "on_poweroff" -> policy = policy.withOnPoweroff(action(v, "on_poweroff"));
                    case "on_reboot" -> policy = policy.withOnReboot(action(v, "on_reboot"));
                    case "on_watchdog" -> policy = policy.withOnWatchdog(action(v, "on_watchdog"));
                    case "on_crash" -> policy = policy.withOnCrash(action(v, "on_crash"));
                    case "on_soft_reset" -> policy = policy.withOnSoftReset(action(v, "on_soft_reset"));
                    case "restart_intensity" -> policy = intensity(v, policy);
                    case "backend" -> backend = backend(v);
                    case "extra" -> extra = extra(v);
                    default -> throw new IllegalStateException("key " + s.key() + " is in KEYS but has no check");
                }
            }
            if (name == null) {
                throw new ConfigException(source, 0, "name is required: the domain's name, e.g. name = \"web\"");
            }
            if (application == null) {
                throw new ConfigException(source, 0,
                        "application is required: the Application class to boot, e.g. application = \"com.example.WebApp\"");
            }
            return new DomainSpec(name, vcpus, memory, application, policy, backend, extra, source);
        }

        private String name(ConfigValue v) {
            String n = string(v, "name");
            if (!NAME.matcher(n).matches()) {
                throw bad(v, "name must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit; got "
                        + v.written());
            }
            if (n.chars().allMatch(Character::isDigit)) {
                throw bad(v, "name must not be all digits (it would read as a domain id); got " + v.written());
            }
            if (n.equalsIgnoreCase(DOM0_NAME)) {
                throw bad(v, "name " + v.written() + " is dom0's own; choose another");
            }
            return n;
        }

        private String application(ConfigValue v) {
            String cls = string(v, "application").strip();
            if (!CLASS_NAME.matcher(cls).matches()) {
                throw bad(v, "application must be the fully qualified name of a Java class (e.g. \"com.example.WebApp\"); got "
                        + v.written());
            }
            if (applicationLoader.isPresent()) {
                Class<?> c;
                try {
                    c = Class.forName(cls, false, applicationLoader.get());
                } catch (ClassNotFoundException | LinkageError e) {
                    throw bad(v, "application class " + cls + " is not on the class path");
                }
                if (!Application.class.isAssignableFrom(c)) {
                    throw bad(v, "application class " + cls + " does not implement " + Application.class.getName());
                }
            }
            return cls;
        }

        private int intIn(ConfigValue v, String key, int min, int max, String unit) {
            if (!(v instanceof ConfigValue.Int(long n, int line))) {
                throw bad(v, key + " must be an integer" + unit + "; got " + v.written());
            }
            if (n < min || n > max) {
                throw new ConfigException(source, line, key + " must be between " + min + " and " + max + unit + "; got " + n);
            }
            return (int) n;
        }

        private DomainAction action(ConfigValue v, String key) {
            String s = string(v, key);
            try {
                return DomainAction.parse(s);
            } catch (IllegalArgumentException e) {
                throw bad(v, key + " must be one of " + ACTIONS + "; got " + v.written());
            }
        }

        private DomainRestartPolicy intensity(ConfigValue v, DomainRestartPolicy policy) {
            String s = string(v, "restart_intensity");
            Matcher m = INTENSITY.matcher(s);
            if (!m.matches()) {
                throw bad(v, "restart_intensity must be \"RESTARTS/SECONDS\" (e.g. \"3/60\": at most 3 restarts within 60 s); got "
                        + v.written());
            }
            int restarts = Integer.parseInt(m.group(1));
            int seconds = Integer.parseInt(m.group(2));
            if (seconds < 1) {
                throw bad(v, "restart_intensity needs a period of at least 1 second; got " + v.written());
            }
            return policy.withIntensity(restarts, Duration.ofSeconds(seconds));
        }

        private DomainSpec.Backend backend(ConfigValue v) {
            String s = string(v, "backend");
            for (DomainSpec.Backend b : DomainSpec.Backend.values()) {
                if (backendName(b).equals(s.strip().toLowerCase(Locale.ROOT))) {
                    return b;
                }
            }
            throw bad(v, "backend must be one of " + BACKENDS + "; got " + v.written());
        }

        private Map<String, String> extra(ConfigValue v) {
            if (!(v instanceof ConfigValue.ListOf(List<ConfigValue> elements, int line))) {
                throw bad(v, "extra must be a list of \"key=value\" strings, e.g. extra = [ \"port=8080\" ]; got " + v.written());
            }
            Map<String, String> out = new LinkedHashMap<>();
            for (ConfigValue e : elements) {
                if (!(e instanceof ConfigValue.Str(String text, int eline))) {
                    throw bad(e, "extra entries must be \"key=value\" strings; got " + e.written());
                }
                int eq = text.indexOf('=');
                String key = eq < 0 ? "" : text.substring(0, eq).strip();
                if (eq < 0 || !EXTRA_KEY.matcher(key).matches()) {
                    throw new ConfigException(source, eline, "extra entries must be \"key=value\" with a key of letters, digits, "
                            + "'.', '_' or '-'; got " + e.written());
                }
                if (out.putIfAbsent(key, text.substring(eq + 1)) != null) {
                    throw new ConfigException(source, eline, "extra sets " + key + " twice");
                }
            }
            return out;
        }

        private String string(ConfigValue v, String key) {
            if (v instanceof ConfigValue.Str(String text, int line)) {
                return text;
            }
            throw bad(v, key + " must be a \"quoted string\"; got " + v.written());
        }

        private ConfigException bad(ConfigValue v, String problem) {
            return new ConfigException(source, v.line(), problem);
        }
    }

    static String backendName(DomainSpec.Backend b) {
        return b.name().toLowerCase(Locale.ROOT);
    }

    /** A close known key for a mistyped one ("vpcus" → "vcpus"), as " (did you mean vcpus?)", or "". */
    private static String suggestion(String key) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : KEYS) {
            int d = distance(key.toLowerCase(Locale.ROOT), k);
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(1, key.length() / 3) ? " (did you mean " + best + "?)" : "";
    }

    /** Optimal string alignment distance: edits, counting a swap of neighbours as one. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
