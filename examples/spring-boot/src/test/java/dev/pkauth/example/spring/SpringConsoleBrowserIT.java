package dev.pkauth.example.spring;

import dev.pkauth.testing.ConsoleWalkThrough;

/**
 * The keys page of the packaged Spring Boot example (form login, Spring's CSRF token) in Chromium,
 * on each database ({@link ConsoleWalkThrough}).
 */
class SpringConsoleBrowserIT extends ConsoleWalkThrough.OnEachDatabase {}
