package dev.sleet.actor.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * The live actors of a system, so that a shutdown can reach every one of them. Intrusive doubly linked
 * lists (the links live in the cells: 8 bytes per actor, no node objects), striped by actor id so that
 * concurrent spawns and stops rarely share a lock.
 */
final class Registry {

    private final Stripe[] stripes;
    private final int mask;

    Registry(int workers) {
        int n = Integer.highestOneBit(Math.max(4, workers * 4) - 1) << 1;
        stripes = new Stripe[n];
        for (int i = 0; i < n; i++) {
            stripes[i] = new Stripe();
        }
        mask = n - 1;
    }

    /**
     * Adds a cell unless {@code accepting} says no, checked under the stripe's lock so that a shutdown that
     * walks the stripes afterwards cannot miss the cell.
     *
     * @return {@code false} if the system no longer accepts actors
     */
    boolean add(ActorCell<?> cell, BooleanSupplier accepting) {
        Stripe s = stripes[(int) cell.id() & mask];
        synchronized (s) {
            if (!accepting.getAsBoolean()) {
                return false;
            }
            cell.regNext = s.head;
            if (s.head != null) {
                s.head.regPrev = cell;
            }
            s.head = cell;
            return true;
        }
    }

    void remove(ActorCell<?> cell) {
        Stripe s = stripes[(int) cell.id() & mask];
        synchronized (s) {
            if (cell.regPrev != null) {
                cell.regPrev.regNext = cell.regNext;
            } else if (s.head == cell) {
                s.head = cell.regNext;
            } else {
                return; // not registered (removed twice)
            }
            if (cell.regNext != null) {
                cell.regNext.regPrev = cell.regPrev;
            }
            cell.regPrev = null;
            cell.regNext = null;
        }
    }

    /** A snapshot of the live cells (each stripe copied under its lock; acted upon outside it). */
    List<ActorCell<?>> snapshot() {
        List<ActorCell<?>> all = new ArrayList<>();
        for (Stripe s : stripes) {
            synchronized (s) {
                for (ActorCell<?> c = s.head; c != null; c = c.regNext) {
                    all.add(c);
                }
            }
        }
        return all;
    }

    private static final class Stripe {
        ActorCell<?> head;
    }
}
