/**
 * A user's module: it can require only {@code org.visionpangu4j} and reach only what that module exports; the
 * compiler refuses anything else, and the test runs it on the module path.
 */
module org.visionpangu4j.jpmstest {
    requires org.visionpangu4j;
}
