package io.quarkiverse.aio.bench;

/** One workload: what to do, how big each I/O is and how many are kept in flight. */
record Job(String name, boolean write, boolean random, int blockSize, int queueDepth) {

    static Job parse(String name) {
        return switch (name) {
            case "randread-4k-qd1" -> new Job(name, false, true, 4096, 1);
            case "randread-4k-qd16" -> new Job(name, false, true, 4096, 16);
            case "randread-4k-qd32" -> new Job(name, false, true, 4096, 32);
            case "randread-4k-qd64" -> new Job(name, false, true, 4096, 64);
            case "randread-4k-qd128" -> new Job(name, false, true, 4096, 128);
            case "randwrite-4k-qd32" -> new Job(name, true, true, 4096, 32);
            case "seqread-128k-qd32" -> new Job(name, false, false, 128 * 1024, 32);
            default -> throw new IllegalArgumentException("unknown job " + name);
        };
    }

    static final String ALL = "randread-4k-qd1,randread-4k-qd32,randread-4k-qd128,randwrite-4k-qd32,seqread-128k-qd32";
}
