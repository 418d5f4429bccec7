// exercises/support/main.cpp - the doctest runner of every problem's checks, built once.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
