package org.visionpangu4j.spark;

import org.apache.spark.SparkEnv;
import org.apache.spark.SparkFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the model directory on an executor. Two ways to make a model visible to every executor:
 * <ul>
 *   <li>an <b>absolute local path</b> ({@code /models/visionpangu} or {@code file:/models/visionpangu}) that exists
 *       on every node: a shared file system mounted everywhere, or a copy laid down by provisioning;</li>
 *   <li>a <b>relative name</b> shipped with the job: {@code spark-submit --archives visionpangu.tgz#visionpangu}
 *       (unpacked on every node), or {@code SparkContext.addFile(dir, true)} (a directory, recursively). The name
 *       is looked up under {@link SparkFiles#getRootDirectory()} first, then in the executor's working directory
 *       (where YARN and Kubernetes place {@code --archives}). Files shipped one by one ({@code --files}) land in
 *       that root, flat: the name {@code "."} is the root itself.</li>
 * </ul>
 * Remote file systems (hdfs:, s3a:, ...) are not read directly: the engine memory-maps its weights, which needs a
 * local file.
 */
public final class ModelLocation {
    private ModelLocation() {
    }

    /** The model directory named by {@code modelPath} on this JVM; a clear error naming every place tried. */
    public static Path resolve(String modelPath) {
        List<Path> tried = new ArrayList<>();
        for (Path candidate : candidates(modelPath)) {
            if (Files.isDirectory(candidate)) {
                return candidate.toAbsolutePath().normalize();
            }
            tried.add(candidate);
        }
        throw new IllegalArgumentException("model directory '" + modelPath + "' not found on this executor (tried "
                + tried + "); give an absolute path that exists on every node, or ship the model with the job "
                + "(--archives model.tgz#NAME or SparkContext.addFile(dir, true)) and give its NAME");
    }

    /** Where {@code modelPath} may be, in the order they are tried. */
    static List<Path> candidates(String modelPath) {
        Path p = localPath(modelPath);
        if (p.isAbsolute()) {
            return List.of(p);
        }
        List<Path> out = new ArrayList<>();
        if (SparkEnv.get() != null) {
            out.add(Path.of(SparkFiles.get(modelPath)));
        }
        out.add(p.toAbsolutePath());
        return out;
    }

    private static Path localPath(String modelPath) {
        return LocalPaths.parse(modelPath, "the engine memory-maps local files: ship the model with "
                + "--archives model.tgz#NAME and give NAME, or copy it to the same local path on every node");
    }
}
