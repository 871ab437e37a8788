# Shared by ./run and ./throughput: finds a JDK 25+ the way ../../visionpangu does, (re)builds
# target/spark-caption.jar and the Spark classpath when a pom or main source is newer, and runs a class of the
# example with the JVM options spark-submit would give it. Build output goes to stderr.
#   SPARK_CAPTION_JAVA_OPTS  extra JVM options, e.g. "-Xmx8g"

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
JAR="$HERE/target/spark-caption.jar"
CLASSPATH_FILE="$HERE/target/spark-classpath.txt"

say() { echo "spark-caption: $*" >&2; }

# Major version of the JDK at $1 (a JDK home), or 0: from its release file, else from `java -version`.
jdk_major() {
    local home="$1" v=""
    [ -x "$home/bin/java" ] || { echo 0; return; }
    if [ -f "$home/release" ]; then
        v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$home/release")"
    fi
    if [ -z "$v" ]; then
        v="$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
    fi
    echo "${v:-0}"
}

find_jdk() {
    local candidates=() c
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    if command -v java >/dev/null 2>&1; then
        c="$(readlink -f "$(command -v java)")"
        candidates+=("$(dirname "$(dirname "$c")")")
    fi
    for c in /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -d "$c" ] && candidates+=("$c")
    done
    for c in "${candidates[@]}"; do
        if [ "$(jdk_major "$c")" -ge 25 ]; then
            echo "$c"
            return 0
        fi
    done
    return 1
}

if ! JDK="$(find_jdk)"; then
    say "no JDK 25 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm, ~/.sdkman/candidates/java)."
    say "install one (e.g. Temurin 25) there, or set JAVA_HOME to it."
    exit 1
fi

# Rebuild when the jar or the classpath file is missing, or any pom / main source file is newer than the jar.
stale=""
if [ ! -f "$JAR" ] || [ ! -f "$CLASSPATH_FILE" ]; then
    stale="it does not exist yet"
elif [ -n "$(find "$ROOT" -maxdepth 1 -name pom.xml -newer "$JAR" -print -quit)" ] \
    || [ -n "$(find "$ROOT"/engine-* "$HERE" \( -name target -prune \) -o \( -name pom.xml -o -path '*/src/main/*' \) \
        -type f -newer "$JAR" -print -quit)" ]; then
    stale="sources changed"
fi
if [ -n "$stale" ]; then
    say "building examples/spark-caption/target/spark-caption.jar ($stale; the first build downloads Spark)..."
    # One reactor build: the engine modules come from this checkout, Spark's jars (provided scope: the job's jar
    # leaves them to the cluster) are listed for the local JVM.
    if ! (cd "$ROOT" && JAVA_HOME="$JDK" MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow" \
            ./mvnw -q -B -DskipTests package dependency:build-classpath -Dmdep.includeScope=provided \
            -Dmdep.outputFile=target/spark-classpath.txt -pl examples/spark-caption -am) >&2; then
        say "build failed (see above)."
        exit 1
    fi
fi

# run_class CLASS ARGS...: the JVM options of Spark's launcher (printed by JvmFlags from the spark-launcher jar
# of this build), the engine's, quiet logging, then the class.
run_class() {
    local cp flags
    cp="$JAR:$(cat "$CLASSPATH_FILE")"
    flags="$("$JDK/bin/java" -cp "$cp" org.visionpangu4j.examples.sparkcaption.JvmFlags)"
    # shellcheck disable=SC2086 # both are lists of options.
    exec "$JDK/bin/java" $flags --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
        -Dlog4j2.configurationFile="$HERE/log4j2.properties" ${SPARK_CAPTION_JAVA_OPTS:-} -cp "$cp" "$@"
}
