"""The official Jupyter kernel conformance suite (jupyter_kernel_test) against kernel `cnnlab`.

Run with JUPYTER_PATH pointing at a directory that holds kernels/cnnlab/kernel.json
(test/kernel/conformance.test.ts does it), then:  /usr/bin/python3 -m unittest -v test_cnnlab_kernel
"""
import unittest

import jupyter_kernel_test


class CnnlabKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "cnnlab"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world");'
    code_stderr = 'console.error("oops, stderr");'

    completion_samples = [
        {"text": "Math.ab", "matches": {"abs"}},
        {"text": "const someLongName = 1; someLongN", "matches": {"someLongName"}},
        {"text": "[1, 2].fil", "matches": {"fill", "filter"}},
    ]

    complete_code_samples = ["1 + 1", "const a = 1;", "function f() { return 1; }", "", "class A {}\n\n"]
    incomplete_code_samples = ["function f() {", "let x = [1, 2,", "if (true) {\n  console.log(1);", "const s = `abc"]
    invalid_code_samples = [")", "const 1 = 2;", "let = ;", "}{"]

    code_page_something = 'page("some help text")'

    code_generate_error = 'throw new Error("kernel test error");'

    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": "'abc'.toUpperCase()", "result": "ABC"},
        {"code": "[1, 2, 3].map(x => x * 2)", "result": "[ 2, 4, 6 ]"},
        {"code": "({ [Symbol.for('Jupyter.display')]() { return { 'text/html': '<b>bold</b>', 'text/plain': 'bold' }; } })",
         "mime": "text/html", "result": "<b>bold</b>"},
    ]

    code_display_data = [
        {"code": "display({ [Symbol.for('Jupyter.display')]() { return { 'image/svg+xml': '<svg></svg>', 'text/plain': 'svg' }; } })",
         "mime": "image/svg+xml"},
        {"code": "display({ 'text/html': '<i>x</i>' }, { raw: true })", "mime": "text/html"},
    ]

    code_history_pattern = "6 * ?"
    supported_history_operations = ("tail", "range", "search")

    code_inspect_sample = "Math.max"

    code_clear_output = "clearOutput()"


if __name__ == "__main__":
    unittest.main()
