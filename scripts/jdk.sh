# Sourced by ./mu2sls and scripts/test.sh: points JAVA_HOME at a JDK 25 or explains what is missing.
# The machine's default java may be older (17 here); the build needs 25.

java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n 1
}

find_jdk25() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
      /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk-arm64 /usr/lib/jvm/jdk-25* /opt/java/openjdk \
      /usr/lib/jvm/*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      # Maven 3.8's Guava calls sun.misc.Unsafe, which JDK 25 warns about on every run.
      export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
      return 0
    fi
  done
  echo "mu2sls: no JDK 25 found (looked at \$JAVA_HOME and /usr/lib/jvm, /opt/java)." >&2
  echo "  Install one (for example Eclipse Temurin 25) and set JAVA_HOME to it, then run this again." >&2
  return 1
}

require_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "mu2sls: Apache Maven (mvn) is not on PATH; install it (Debian: apt-get install maven) and run this again." >&2
    return 1
  fi
}

# For the scripts in scripts/: a JDK 25 and Maven, and the project root as working directory.
enter_project() {
  find_jdk25 && require_maven && cd "$(dirname "${BASH_SOURCE[0]}")/.."
}
