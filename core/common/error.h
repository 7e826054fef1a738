#pragma once
// Errors raised by phaselab_core. Every message is written for the user: it says what is
// wrong and, where possible, what to do ("reference 2 is silent: SIR is undefined").
// The GUI and the CLI catch phaselab::Error at their boundary and show what().

#include <stdexcept>
#include <string>

namespace phaselab {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The input (a file, a signal, a parameter value) cannot be used as given.
class InputError : public Error {
public:
    using Error::Error;
};

// A computation was stopped through its cancel flag.
class Cancelled : public Error {
public:
    Cancelled() : Error("cancelled") {}
};

}  // namespace phaselab
