/**
 * Scalar reference implementations ("twins") of the vector kernels in {@code org.visionpangu4j.kernels}: the
 * straightforward loops that define what each kernel computes. They are the specification and the oracle of the
 * kernel tests; production code calls the vector kernels, never these.
 */
package org.visionpangu4j.kernels.reference;
