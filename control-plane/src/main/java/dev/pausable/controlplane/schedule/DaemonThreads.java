package dev.pausable.controlplane.schedule;

import java.util.concurrent.ThreadFactory;

/** Background threads that never keep the JVM alive: shutdown is the application context's job. */
public final class DaemonThreads {

    private DaemonThreads() {
    }

    public static ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
