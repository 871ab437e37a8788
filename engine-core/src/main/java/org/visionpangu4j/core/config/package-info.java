/**
 * Reading configuration JSON with checked types ({@link org.visionpangu4j.core.config.ConfigNode}); which keys a
 * model has, and what they mean, is decided by the model-family code above.
 */
package org.visionpangu4j.core.config;
