package dev.mu2sls.examples.travel;

/** How many rooms (or seats) exist and how many are booked. */
public record Capacity(int total, int booked) {
    public Capacity {
        if (total < 0 || booked < 0 || booked > total) {
            throw new IllegalArgumentException("invalid capacity " + booked + "/" + total);
        }
    }

    public boolean full() {
        return booked >= total;
    }

    public Capacity book() {
        return new Capacity(total, booked + 1);
    }
}
