package dev.sleet.actor.internal;

import dev.sleet.actor.ActorContext;
import dev.sleet.actor.ActorRef;
import dev.sleet.actor.ActorSystem;
import dev.sleet.actor.Cancellable;
import java.time.Duration;

/**
 * The {@link ActorContext} of one cell. A separate object from the cell so that a ref handed to other actors
 * cannot be cast into the powers of its owner.
 *
 * @param <M> the message type
 */
final class CellContext<M> implements ActorContext<M> {

    private final ActorCell<M> cell;

    CellContext(ActorCell<M> cell) {
        this.cell = cell;
    }

    @Override
    public ActorRef<M> self() {
        return cell;
    }

    @Override
    public ActorSystem system() {
        return cell.system;
    }

    @Override
    public void stop() {
        cell.stop();
    }

    @Override
    public void watch(ActorRef<?> other) {
        cell.watch(peer(other));
    }

    @Override
    public void unwatch(ActorRef<?> other) {
        cell.unwatch(peer(other));
    }

    @Override
    public void link(ActorRef<?> other) {
        cell.link(peer(other));
    }

    @Override
    public void unlink(ActorRef<?> other) {
        cell.unlink(peer(other));
    }

    @Override
    public void trapExits(boolean trap) {
        cell.setTrapExits(trap);
    }

    @Override
    public boolean trapExits() {
        return cell.trapsExits();
    }

    @Override
    public Cancellable scheduleOnce(Duration delay, M message) {
        return cell.system.timers().schedule(delay, cell, message);
    }

    @Override
    public Cancellable schedulePeriodic(Duration initialDelay, Duration period, M message) {
        return cell.system.timers().schedulePeriodic(initialDelay, period, cell, message);
    }

    @Override
    public String toString() {
        return "ActorContext[" + cell + "]";
    }

    private ActorCell<?> peer(ActorRef<?> other) {
        if (other == null) {
            throw new NullPointerException("other");
        }
        if (!(other instanceof ActorCell<?> c)) {
            throw new IllegalArgumentException("not an actor ref made by a Sleet actor system: " + other);
        }
        if (c == cell) {
            throw new IllegalArgumentException("an actor cannot watch or link itself: " + other);
        }
        return c;
    }
}
