package dev.pkauth.test;

import org.junit.jupiter.api.Test;

/** This module uses pkauth-core's public API only (the rule is core's, run over this module's classes). */
class ApiBoundaryTest {
    @Test
    void nothingHereReachesIntoCoresInternals() {
        dev.pkauth.testing.Architecture.assertUsesOnlyThePublicApi("dev.pkauth.test");
    }

    /** The public API is recorded in api/pkauth-test.api: a change to it shows in the same commit. */
    @Test
    void thePublicApiIsTheRecordedOne() {
        dev.pkauth.testing.ApiDump.assertMatches(java.nio.file.Path.of("api", "pkauth-test.api"),
                dev.pkauth.testing.ApiDump.of("dev.pkauth.test"));
    }
}
