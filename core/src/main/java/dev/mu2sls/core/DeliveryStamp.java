package dev.mu2sls.core;

import java.util.Arrays;

/**
 * What one delivery writes in its request's record beside the fence, and the record it expects
 * to find there ({@link SegmentCommit}). The {@link RunInfo} is carried from record to record: a
 * request's start is that of the first delivery that persisted part of it, and each delivery
 * counts itself in its first committed write.
 *
 * <h2>Why the count holds</h2>
 * Every write of a running request's record is admitted only against the record as the writer
 * last saw it (the journal length, {@link Fence}), so the writes form one chain: a delivery reads
 * the count of the record it continues, adds itself once, and carries the count on. A delivery
 * that loses a race reloads the record (which then counts it, if it had written before) and
 * continues from there. A write whose commit landed but whose reply was lost is recognized when
 * the reload finds exactly the record it wrote: that delivery is counted already. Two cases are
 * off: a delivery that wrote nothing is not counted, and one whose lost-reply write another
 * delivery overwrote before the reload is counted twice (the record keeps no writer's identity).
 *
 * <h2>Thread safety</h2>
 * One per delivery; its executions run one after another, on its thread.
 */
final class DeliveryStamp {
    private final String service;
    private final String method;
    /** Store-clock time at which this delivery began: the request's start if nothing was persisted before. */
    private final long arrivalMillis;

    /** Whether a record this delivery wrote was committed: its delivery is counted in the chain. */
    private boolean counted;
    /** The running record as this delivery last wrote or loaded it: its journal length, bytes and run. */
    private int knownLength;

    private byte[] knownRecord;
    private RunInfo knownRun;
    /** The last running record this delivery tried to write, committed or not. */
    private byte[] attempted;

    DeliveryStamp(String service, String method, long arrivalMillis) {
        this.service = service;
        this.method = method;
        this.arrivalMillis = arrivalMillis;
    }

    /**
     * The record an execution that persisted {@code base} steps expects: none before the first
     * step, else the one this delivery last wrote or loaded at that length.
     */
    byte[] expected(int base) {
        if (base == 0) {
            return null;
        }
        if (base != knownLength) {
            throw new IllegalStateException("an execution continues from journal length " + base
                    + " but its delivery last wrote or loaded the request record at " + knownLength);
        }
        return knownRecord;
    }

    /**
     * The run to write after {@code base} persisted steps: a new one when nothing was persisted,
     * else the known record's, counting this delivery unless it is already counted. A record
     * written before run infos were kept stays without one: its start is unknown.
     */
    RunInfo next(int base) {
        if (base == 0) {
            return new RunInfo(service, method, arrivalMillis, 1);
        }
        if (knownRun == null) {
            return null;
        }
        return counted ? knownRun : knownRun.countingOneMore();
    }

    /** This delivery is about to write the running {@code record}: its commit may land though its reply is lost. */
    void attempting(byte[] record) {
        attempted = record;
    }

    /** A running {@code record} this delivery wrote, with {@code journalLength} steps and {@code run}, was committed. */
    void wrote(byte[] record, int journalLength, RunInfo run) {
        counted = true;
        remember(record, journalLength, run);
    }

    /** A delivery loaded the request: {@code record} as stored ({@code decoded}; null when none). */
    void loaded(byte[] record, RequestRecord decoded) {
        if (decoded instanceof RequestRecord.Running running) {
            counted |= Arrays.equals(record, attempted); // its commit landed, its reply was lost
            remember(record, running.journalLength(), running.run());
        } else {
            remember(null, 0, null);
        }
    }

    private void remember(byte[] record, int journalLength, RunInfo run) {
        knownRecord = record;
        knownLength = journalLength;
        knownRun = run;
    }
}
