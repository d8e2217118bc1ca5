package dev.pkauth.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import dev.pkauth.testing.Architecture;
import org.junit.jupiter.api.Test;

/**
 * pkauth-core's shape, enforced: the engine ({@code dev.pkauth.internal.*}) is split by concern
 * without cycles, never sees a web framework, and sees of the API only its vocabulary (exceptions
 * and immutable values), never the store, its builder or settings.
 */
class ArchitectureTest {
    static final JavaClasses CORE = Architecture.mainClasses("dev.pkauth");

    /** What the engine may know of the API: what it throws, and the values it stores and returns. */
    static final DescribedPredicate<JavaClass> VOCABULARY = DescribedPredicate.describe("the API's exceptions and values",
            c -> c.isAssignableTo(dev.pkauth.PkauthException.class)
                    || c.getName().startsWith(dev.pkauth.UsageLimits.class.getName())
                    || c.getName().startsWith(dev.pkauth.AuditEvent.class.getName())
                    || c.getName().startsWith(dev.pkauth.Verification.class.getName()));

    @Test
    void theRulesSeeTheWholeCore() {
        assertThat(CORE.containPackage("dev.pkauth.internal.jdbc")).isTrue();
        assertThat(CORE.contain(dev.pkauth.ApiKeyStore.class)).isTrue();
        assertThat(CORE.stream().filter(c -> c.getPackageName().startsWith("dev.pkauth.internal")).count()).isGreaterThan(20);
    }

    @Test
    void coreNeverImportsAWebFramework() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("jakarta.servlet..", "jakarta.ws.rs..",
                        "org.springframework..", "org.eclipse.jetty..", "org.glassfish..")
                .because("the decision is framework-neutral; the adapters adapt it")
                .check(CORE);
    }

    @Test
    void theEngineKnowsOfTheApiOnlyItsVocabulary() {
        noClasses().that().resideInAPackage("dev.pkauth.internal..")
                .should().dependOnClassesThat(DescribedPredicate.and(
                        JavaClass.Predicates.resideInAnyPackage("dev.pkauth", "dev.pkauth.http", "dev.pkauth.accounts"),
                        DescribedPredicate.not(VOCABULARY)))
                .because("the engine must not reach back into the façade, its builder or settings")
                .check(CORE);
    }

    @Test
    void theEnginesPartsFormNoCycle() {
        slices().matching("dev.pkauth.internal.(*)..").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void theApiPackagesFormNoCycle() {
        slices().matching("dev.pkauth.(*)..").should().beFreeOfCycles()
                .ignoreDependency(JavaClass.Predicates.resideInAPackage("dev.pkauth.internal.."), DescribedPredicate.alwaysTrue())
                .check(CORE);
    }
}
