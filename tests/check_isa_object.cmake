# A wider path's translation unit of the neuron update (neurons/step_range_ISA.cpp) must
# define nothing the linker could share with the rest of the program: no weak or unique
# symbols (an inline function compiled for AVX2 or AVX-512 and picked for everyone would
# fault on a CPU without it), and of global symbols only its table's accessor.
# Run: cmake -DNM=nm -DISA=avx2 -DOBJ=... -P
execute_process(COMMAND ${NM} -C --defined-only ${OBJ} OUTPUT_VARIABLE out RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${OBJ}")
endif()
string(REPLACE "\n" ";" lines "${out}")
set(bad "")
foreach(line IN LISTS lines)
  if(line MATCHES "^[0-9a-f]+ ([A-Za-z]) (.*)$")
    set(type "${CMAKE_MATCH_1}")
    set(name "${CMAKE_MATCH_2}")
    if(type MATCHES "^[WVvuwi]$" OR (type MATCHES "^[TDBR]$" AND NOT name MATCHES "step_range_${ISA}\\(\\)"))
      list(APPEND bad "${type} ${name}")
    endif()
  endif()
endforeach()
if(bad)
  string(REPLACE ";" "\n  " bad "${bad}")
  message(FATAL_ERROR "the ${ISA} object defines symbols the program could share:\n  ${bad}")
endif()
message(STATUS "the ${ISA} object defines only step_range_${ISA}() and internal symbols")
