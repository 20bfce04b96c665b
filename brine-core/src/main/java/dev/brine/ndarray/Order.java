package dev.brine.ndarray;

/** How an array's elements follow each other in memory. */
public enum Order {
    /** Row-major, numpy's default: the last index varies fastest. */
    C,
    /** Column-major ({@code fortran_order}): the first index varies fastest. */
    F
}
