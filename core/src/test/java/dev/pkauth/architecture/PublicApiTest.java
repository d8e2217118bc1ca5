package dev.pkauth.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pkauth.testing.ApiDump;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The exported packages' API is recorded in api/pkauth-core.api: a change to it shows in the same commit. */
class PublicApiTest {
    static final String[] EXPORTED = {"dev.pkauth", "dev.pkauth.http", "dev.pkauth.accounts"};

    @Test
    void thePublicApiIsTheRecordedOne() {
        ApiDump.assertMatches(Path.of("api", "pkauth-core.api"), ApiDump.of(EXPORTED));
    }

    /** The check itself: a planted change (a method missing from the recorded dump) is caught and named. */
    @Test
    void aPlantedChangeIsCaught() {
        String dump = ApiDump.of(EXPORTED);
        String line = "  public dev.pkauth.Verification inspect(java.lang.String, java.lang.String)";
        assertThat(dump).contains(line + "\n");
        assertThat(ApiDump.difference(dump.replace(line + "\n", ""), dump)).isEqualTo("\n+ " + line);
        assertThat(ApiDump.difference(dump, dump)).isNull();
    }
}
