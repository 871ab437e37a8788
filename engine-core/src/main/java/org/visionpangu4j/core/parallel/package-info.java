/** The persistent worker pool (WorkerPool) that kernels split index ranges over. */
package org.visionpangu4j.core.parallel;
