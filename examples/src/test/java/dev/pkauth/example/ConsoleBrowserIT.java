package dev.pkauth.example;

import dev.pkauth.testing.ConsoleWalkThrough;

/** The keys page of the packaged Jetty example in Chromium, on each database ({@link ConsoleWalkThrough}). */
class ConsoleBrowserIT extends ConsoleWalkThrough.OnEachDatabase {}
