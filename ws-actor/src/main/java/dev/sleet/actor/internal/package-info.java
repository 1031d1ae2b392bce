/**
 * The actor runtime's implementation: cells (an actor's state, mailbox and scheduling word), the M:N
 * scheduler and its workers, the timer wheel and the registry of live actors. Not exported.
 */
package dev.sleet.actor.internal;
