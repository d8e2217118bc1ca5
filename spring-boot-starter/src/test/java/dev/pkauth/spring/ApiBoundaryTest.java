package dev.pkauth.spring;

import org.junit.jupiter.api.Test;

/** This module uses pkauth-core's public API only (the rule is core's, run over this module's classes). */
class ApiBoundaryTest {
    @Test
    void nothingHereReachesIntoCoresInternals() {
        dev.pkauth.testing.Architecture.assertUsesOnlyThePublicApi("dev.pkauth.spring");
    }
}
