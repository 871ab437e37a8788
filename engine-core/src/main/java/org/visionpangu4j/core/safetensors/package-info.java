/** Safetensors files and model checkpoints: validated, memory-mapped loading (SafeTensorsFile, Checkpoint), layout detection by tensor names (CheckpointLayout), and writing (SafeTensorsWriter). */
package org.visionpangu4j.core.safetensors;
