package dev.pkauth.testing;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;

/**
 * The API boundary as a rule every module's tests run over that module's own classes: nothing
 * outside pkauth-core reaches into {@code dev.pkauth.internal}.
 */
public final class Architecture {
    private Architecture() {}

    /** The main (not test) classes of {@code packages}, as compiled. */
    public static JavaClasses mainClasses(String... packages) {
        return new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages(packages);
    }

    /**
     * Fails, naming each offending dependency, when a class of {@code modulePackage} depends on
     * anything in {@code dev.pkauth.internal}.
     */
    public static void assertUsesOnlyThePublicApi(String modulePackage) {
        JavaClasses classes = mainClasses(modulePackage);
        if (classes.isEmpty()) throw new AssertionError("no classes found in " + modulePackage);
        noClasses().that().resideInAPackage(modulePackage + "..")
                .should().dependOnClassesThat().resideInAPackage("dev.pkauth.internal..")
                .because("only pkauth-core may use its internals; what an adapter needs belongs in the API")
                .check(classes);
    }
}
