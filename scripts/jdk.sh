# Sourced by Lingon's launchers. Sets LINGON_JAVA to a `java` of a JDK >= 25, or explains and exits.
# Looks at JAVA_HOME, then `java` on the PATH, then the usual install places.

lingon_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}

lingon_find_java() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME/bin/java")
  command -v java >/dev/null 2>&1 && candidates+=("$(command -v java)")
  local d
  for d in /usr/lib/jvm/* /opt/java/* /opt/jdk* /usr/local/lib/jvm/* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -x "$d/bin/java" ] && candidates+=("$d/bin/java")
  done
  local c major
  for c in "${candidates[@]}"; do
    major=$(lingon_java_major "$c")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 25 ] 2>/dev/null; then
      LINGON_JAVA="$c"
      export LINGON_JAVA
      JAVA_HOME="$(cd "$(dirname "$c")/.." && pwd)"
      export JAVA_HOME
      return 0
    fi
  done
  echo "lingon: no JDK 25 or newer found." >&2
  echo "  Looked at JAVA_HOME, the java on PATH, and /usr/lib/jvm, /opt/java, /opt/jdk*, ~/.sdkman, ~/.jdks." >&2
  echo "  Install one (e.g. Eclipse Temurin 25) or point JAVA_HOME at it, then run this again." >&2
  exit 3
}
