package dev.pausable.controlplane.launch;

import java.util.List;

/** The processes of this host whose command line names a submission tag. */
interface LocalProcesses {

    List<ProcessHandle> named(String tag);

    /** The operating system's process table, as far as this user may read it. */
    LocalProcesses SYSTEM = tag -> ProcessHandle.allProcesses()
            .filter(process -> process.info().arguments()
                    .map(arguments -> List.of(arguments).contains(tag))
                    .orElse(false))
            .toList();
}
