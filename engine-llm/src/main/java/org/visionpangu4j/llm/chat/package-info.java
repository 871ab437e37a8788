/** Chat messages, the openPangu chat template and InternVL image-placeholder expansion. */
package org.visionpangu4j.llm.chat;
