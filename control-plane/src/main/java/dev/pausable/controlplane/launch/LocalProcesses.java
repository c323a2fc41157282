package dev.pausable.controlplane.launch;

import java.util.List;
import java.util.Optional;

/** The processes of this host whose command line names a submission tag. */
interface LocalProcesses {

    List<ProcessHandle> named(String tag);

    /**
     * The operating system's process table: only processes of the control plane's own user, so that
     * another user's process that merely names a tag is never adopted (and never signalled).
     */
    LocalProcesses SYSTEM = tag -> {
        Optional<String> self = ProcessHandle.current().info().user();
        return ProcessHandle.allProcesses()
                .filter(process -> self.isPresent() && process.info().user().equals(self))
                .filter(process -> process.info().arguments()
                        .map(arguments -> List.of(arguments).contains(tag))
                        .orElse(false))
                .toList();
    };
}
