/** The InternVL-chat config.json as immutable records (ModelConfig, VisionConfig, LlmConfig), read by ConfigParser. */
package org.visionpangu4j.core.config;
