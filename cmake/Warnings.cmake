# slipway_options: compile options every first-party target uses.
add_library(slipway_options INTERFACE)
target_compile_options(slipway_options INTERFACE -Wall -Wextra -Wpedantic -Wno-missing-field-initializers)
if(SLIPWAY_WERROR)
  target_compile_options(slipway_options INTERFACE -Werror)
endif()
if(SLIPWAY_NATIVE)
  target_compile_options(slipway_options INTERFACE -march=native)
endif()
target_compile_features(slipway_options INTERFACE cxx_std_20)

# Parsers of untrusted files are also built with sanitizers for their tests.
set(SLIPWAY_SANITIZE_FLAGS -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all)
