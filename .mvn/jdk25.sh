# Finding a JDK 25+ for ./mvnw and ./visionpangu (POSIX sh; sourced, defines functions only).
# Looked at, in order: JAVA_HOME, the java on PATH, /usr/lib/jvm/*, ~/.sdkman/candidates/java/*, macOS's JVM folder.

# Major version of the JDK home $1, or 0: from its release file, else from `java -version`.
vp_jdk_major() {
  vp_v=""
  [ -x "$1/bin/java" ] || { echo 0; return; }
  if [ -f "$1/release" ]; then
    vp_v="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release")"
  fi
  if [ -z "$vp_v" ]; then
    vp_v="$("$1/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)"
  fi
  echo "${vp_v:-0}"
}

# Prints the home of the first JDK 25+ found; returns 1 when there is none.
vp_find_jdk25() {
  for vp_c in "${JAVA_HOME:-}" "$(command -v java >/dev/null 2>&1 && dirname "$(dirname "$(readlink -f "$(command -v java)")")")" \
      /usr/lib/jvm/* "$HOME"/.sdkman/candidates/java/* /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    if [ -n "$vp_c" ] && [ -d "$vp_c" ] && [ "$(vp_jdk_major "$vp_c")" -ge 25 ]; then
      echo "$vp_c"
      return 0
    fi
  done
  return 1
}
