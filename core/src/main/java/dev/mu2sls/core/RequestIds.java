package dev.mu2sls.core;

/** Request and transaction ids ({@code request/step/step...}) in the {@link Inspector}'s order. */
final class RequestIds {
    private RequestIds() {}

    /** Orders ids step by step, numerically: {@code r/2} before {@code r/10}. */
    static int compare(String a, String b) {
        String[] left = a.split("/");
        String[] right = b.split("/");
        for (int i = 0; i < Math.min(left.length, right.length); i++) {
            int order = i == 0 ? left[i].compareTo(right[i]) : Integer.compare(step(left[i]), step(right[i]));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(left.length, right.length);
    }

    /** Whether {@code id} is a call made by another request ({@code parent/step}). */
    static boolean isCall(String id) {
        return id.indexOf('/') >= 0;
    }

    private static int step(String segment) {
        try {
            return Integer.parseInt(segment);
        } catch (NumberFormatException e) {
            return Integer.MAX_VALUE;
        }
    }
}
