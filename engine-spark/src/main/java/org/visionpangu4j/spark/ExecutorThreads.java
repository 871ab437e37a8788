package org.visionpangu4j.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many kernel threads an executor's engine gets when none are asked for: the executor's cores. All of an
 * executor's concurrent tasks ({@code spark.executor.cores / spark.task.cpus} of them) share its one engine, and
 * their requests take turns on its one worker pool operation by operation, so the pool spans every core the
 * executor owns whatever {@code spark.task.cpus} is; the task count only decides how many requests (and KV caches)
 * run at once.
 */
public final class ExecutorThreads {
    private static final Pattern LOCAL = Pattern.compile("local(?:-cluster)?\\[(\\*|\\d+)(?:,\\s*\\d+)?\\]");

    private ExecutorThreads() {
    }

    /** {@code requested} if positive, else the cores of the executor this JVM runs. */
    public static int resolve(int requested) {
        if (requested > 0) {
            return requested;
        }
        SparkEnv env = SparkEnv.get();
        int available = Runtime.getRuntime().availableProcessors();
        return env == null ? available : fromConf(env.conf(), available);
    }

    /**
     * The executor's cores from its configuration: {@code spark.executor.cores}, else the N of a
     * {@code local[N]} master ({@code local[*]} and {@code local} meaning every processor / one), else every
     * processor (standalone's default: an executor takes all cores of its worker). Never more than
     * {@code available}: more kernel threads than processors only makes them wait for each other.
     */
    static int fromConf(SparkConf conf, int available) {
        int cores = available;
        if (conf.contains("spark.executor.cores")) {
            cores = conf.getInt("spark.executor.cores", available);
        } else {
            String master = conf.get("spark.master", "");
            Matcher m = LOCAL.matcher(master);
            if (master.equals("local")) {
                cores = 1;
            } else if (m.matches() && !m.group(1).equals("*")) {
                cores = Integer.parseInt(m.group(1));
            }
        }
        return Math.max(1, Math.min(cores, available));
    }
}
