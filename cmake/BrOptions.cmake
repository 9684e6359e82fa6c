# Per-target compile options: br_target_options(target) applies warnings, hardening and sanitizers.
add_library(br_options INTERFACE)
target_compile_options(br_options INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wimplicit-fallthrough -Wno-missing-field-initializers -Werror=vla -Werror=return-type)
if(BR_WARNINGS_AS_ERRORS)
  target_compile_options(br_options INTERFACE -Werror)
endif()
if(BR_HARDENING)
  target_compile_definitions(br_options INTERFACE _GLIBCXX_ASSERTIONS)
  target_compile_options(br_options INTERFACE -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
    -fstack-protector-strong -fstack-clash-protection -fcf-protection=full -fPIE)
  target_link_options(br_options INTERFACE -pie -Wl,-z,relro,-z,now,-z,noexecstack)
endif()
if(BR_SANITIZE)
  target_compile_options(br_options INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer
    -fno-sanitize-recover=undefined)
  target_link_options(br_options INTERFACE -fsanitize=address,undefined)
endif()
