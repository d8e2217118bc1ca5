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
 * without cycles, never sees a web framework, and sees of the API only its vocabulary (values,
 * exceptions, settings as read), never the façade, its builder or the layers above it.
 */
class ArchitectureTest {
    static final JavaClasses CORE = Architecture.mainClasses("dev.pkauth");

    /**
     * What the engine must not know of the API: the façade, its builder and operator view, and the
     * HTTP and accounts layers built on it. The rest of the API package is vocabulary (values,
     * exceptions, settings as read) that the engine takes and returns.
     */
    static final DescribedPredicate<JavaClass> FACADE = DescribedPredicate.describe("the façade and the layers above it",
            c -> c.getName().startsWith(dev.pkauth.ApiKeyStore.class.getName())
                    || c.getName().startsWith(dev.pkauth.KeyOperations.class.getName())
                    || c.getName().startsWith(dev.pkauth.TokenPattern.class.getName())
                    || c.getPackageName().equals("dev.pkauth.http") || c.getPackageName().equals("dev.pkauth.accounts"));

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
    void theEngineNeverReachesBackIntoTheFacade() {
        noClasses().that().resideInAPackage("dev.pkauth.internal..")
                .should().dependOnClassesThat(FACADE)
                .because("the façade delegates to the engine; the engine must not reach back into it, its builder or the layers above")
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
