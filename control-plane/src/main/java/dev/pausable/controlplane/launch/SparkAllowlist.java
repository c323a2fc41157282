package dev.pausable.controlplane.launch;

import dev.pausable.contract.TrainerSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Spark settings a job may choose for itself: what jobs legitimately tune (memory, cores,
 * instances, overheads, GPU and other resource amounts, dynamic allocation, parallelism, locality,
 * speculation, timeouts). Anything else could run code or send data elsewhere (java options,
 * plugins, listeners, packages and repositories, environment, images, pod templates, volumes,
 * redaction, supervision, s3a endpoints and credential providers) and is refused. Operators add
 * patterns with {@code pausable.spark.allowed}; {@code *} stands for one part of a key (between dots).
 */
final class SparkAllowlist {

    static final List<String> DEFAULT = List.of(
            "spark.driver.memory", "spark.driver.memoryOverhead", "spark.driver.memoryOverheadFactor",
            "spark.driver.cores", "spark.driver.maxResultSize",
            "spark.executor.memory", "spark.executor.memoryOverhead", "spark.executor.memoryOverheadFactor",
            "spark.executor.cores", "spark.executor.instances", "spark.cores.max", "spark.task.cpus",
            "spark.memory.fraction", "spark.memory.storageFraction", "spark.memory.offHeap.enabled",
            "spark.memory.offHeap.size",
            // Amounts only: a resource's discoveryScript would run a command.
            "spark.driver.resource.*.amount", "spark.executor.resource.*.amount", "spark.task.resource.*.amount",
            "spark.driver.resource.*.vendor", "spark.executor.resource.*.vendor",
            "spark.dynamicAllocation.enabled", "spark.dynamicAllocation.minExecutors",
            "spark.dynamicAllocation.maxExecutors", "spark.dynamicAllocation.initialExecutors",
            "spark.dynamicAllocation.executorIdleTimeout", "spark.dynamicAllocation.cachedExecutorIdleTimeout",
            "spark.dynamicAllocation.schedulerBacklogTimeout",
            "spark.dynamicAllocation.sustainedSchedulerBacklogTimeout",
            "spark.dynamicAllocation.executorAllocationRatio", "spark.dynamicAllocation.shuffleTracking.enabled",
            "spark.dynamicAllocation.shuffleTracking.timeout",
            "spark.default.parallelism", "spark.sql.shuffle.partitions", "spark.sql.files.maxPartitionBytes",
            "spark.sql.adaptive.enabled",
            "spark.locality.wait", "spark.locality.wait.process", "spark.locality.wait.node", "spark.locality.wait.rack",
            "spark.speculation", "spark.speculation.interval", "spark.speculation.multiplier",
            "spark.speculation.quantile",
            "spark.network.timeout", "spark.executor.heartbeatInterval", "spark.rpc.message.maxSize",
            "spark.kryoserializer.buffer", "spark.kryoserializer.buffer.max", "spark.task.maxFailures",
            "spark.kubernetes.driver.request.cores", "spark.kubernetes.driver.limit.cores",
            "spark.kubernetes.executor.request.cores", "spark.kubernetes.executor.limit.cores",
            TrainerSettings.ROUND_REPORT_MILLIS, TrainerSettings.HEARTBEAT_SECONDS, TrainerSettings.ROUND_EXCHANGE,
            TrainerSettings.THREADS_PER_TASK);

    /** Compiled once: every submission checks its job's settings again. */
    private static final List<Pattern> DEFAULT_PATTERNS = DEFAULT.stream().map(SparkAllowlist::glob).toList();

    private final List<Pattern> patterns;

    SparkAllowlist(List<String> extra) {
        patterns = new ArrayList<>(DEFAULT_PATTERNS);
        extra.stream().map(SparkAllowlist::glob).forEach(patterns::add);
    }

    boolean allows(String key) {
        return patterns.stream().anyMatch(p -> p.matcher(key).matches());
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append("[^.]+");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
