/**
 * Test your application against pkauth with real keys: {@link dev.pkauth.test.PkauthExtension}
 * gives a JUnit 5 test an {@link dev.pkauth.ApiKeyStore} (in memory, on a SQLite file of its own,
 * or on a database the test names) and mints keys with the scopes a case needs; {@link
 * dev.pkauth.test.PkauthMockMvc} sends such a key with a Spring MockMvc request. Nothing is
 * mocked: the keys are minted, hashed and verified as in production.
 */
@NullMarked
package dev.pkauth.test;

import org.jspecify.annotations.NullMarked;
