package dev.brine.pickle;

import java.util.SplittableRandom;

/** Random short texts for the differential tests of protocol 0's text arguments (INT, FLOAT, GET, PUT). */
final class RandomTexts {
    private RandomTexts() {
    }

    /**
     * One to {@code maxLength} characters, each drawn from {@code alphabet} with odds 1 in
     * {@code alphabetOdds} and otherwise a decimal digit.
     */
    static String next(SplittableRandom r, String alphabet, int maxLength, int alphabetOdds) {
        StringBuilder s = new StringBuilder();
        int n = 1 + r.nextInt(maxLength);
        for (int k = 0; k < n; k++) {
            s.append(r.nextInt(alphabetOdds) == 0 ? alphabet.charAt(r.nextInt(alphabet.length())) : (char) ('0' + r.nextInt(10)));
        }
        return s.toString();
    }
}
