package dev.pausable.controlplane;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The control plane's feature packages depend on each other in one direction only. */
class PackageCyclesTest {

    @Test
    void featurePackagesHaveNoCycles() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.pausable.controlplane");
        slices().matching("dev.pausable.controlplane.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void theLauncherKnowsSparkButNotTheJobTable() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.pausable.controlplane");
        com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses()
                .that().resideInAPackage("..controlplane.launch..")
                .should().dependOnClassesThat().resideInAnyPackage("..controlplane.job..", "..controlplane.reconcile..")
                .check(classes);
    }
}
