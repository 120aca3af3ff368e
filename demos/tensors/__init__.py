"""The tensors demo: a stride explorer and an autograd graph with its gradients checked, the
lesson, its knobs and its figures joined into one `Demo`.

No engine: nothing here trains; a default run takes milliseconds of PyTorch work.
"""

from demos.framework import Demo, Param, T
from demos.tensors import figures

DEMO = Demo(
    id="tensors",
    title=T("Tensors from the inside: strides, views and the autograd graph",
            "텐서의 속: stride, 뷰, autograd 그래프"),
    description=T(
        "Pick a shape and an operation: torch builds x = torch.arange(n).reshape(shape), applies "
        "the operation, and reports the result's shape, stride, offset and contiguity, and whether "
        "it still shares x's storage (a view) or got storage of its own (a copy). Then pick an "
        "expression: autograd records its graph while it runs, the page draws that graph from "
        "grad_fn, and every gradient is checked against a finite difference.",
        "shape와 연산을 고르십시오. torch가 x = torch.arange(n).reshape(shape)를 만들어 연산을 "
        "적용하고, 결과의 shape, stride, offset, 연속성과 함께, 결과가 여전히 x의 스토리지를 "
        "공유하는지(뷰) 자기 스토리지를 새로 받았는지(복사)를 알려 줍니다. 이어서 식을 고르면 "
        "autograd가 식이 실행되는 동안 그래프를 기록하고, 페이지는 grad_fn에서 그 그래프를 그리며, "
        "모든 기울기를 유한 차분과 비교해 확인합니다.",
    ),
    lesson="demos.tensors.lesson",
    params=(
        Param("shape", T("Shape of x", "x의 모양 (shape)"), choices=("3x2", "2x3", "3x4", "2x3x4"),
              choice_labels={s: T(s.replace("x", " × "), s.replace("x", " × ")) for s in
                             ("3x2", "2x3", "3x4", "2x3x4")},
              help=T("x = torch.arange(n).reshape(shape): each element's value is its place in the "
                     "storage.",
                     "x = torch.arange(n).reshape(shape)이므로 각 원소의 값이 곧 스토리지에서의 "
                     "위치입니다.")),
        Param("operation", T("Operation on x", "x에 적용할 연산"), choices=tuple(figures.OPERATIONS),
              choice_labels=figures.OPERATIONS,
              help=T("Views only write new shape, stride and offset numbers; copies get new storage; "
                     "view() of a transposed tensor raises an error.",
                     "뷰는 shape, stride, offset 숫자만 새로 씁니다. 복사는 새 스토리지를 받고, 전치한 "
                     "텐서에 view()를 쓰면 오류가 납니다.")),
        Param("expression", T("Expression to differentiate", "미분할 식"), choices=tuple(figures.EXPRESSIONS),
              choice_labels=figures.EXPRESSIONS),
        Param("size", T("Length of the vectors (n)", "벡터의 길이 (n)"), min=1, max=6,
              help=T("x, y and w have n elements, W is n × n: every element is one finite-difference "
                     "probe.",
                     "x, y, w는 원소 n개, W는 n × n입니다. 원소 하나마다 유한 차분 탐침을 한 번 합니다.")),
        Param("dtype", T("Precision (dtype)", "정밀도 (dtype)"), choices=("float64", "float32"),
              help=T("float32 keeps about 7 significant digits, float64 about 16; a finite difference "
                     "subtracts two nearly equal numbers and loses digits.",
                     "float32는 유효 숫자가 약 7자리, float64는 약 16자리입니다. 유한 차분은 거의 같은 두 "
                     "수를 빼므로 자릿수를 잃습니다.")),
        Param("fd_step", T("Finite-difference step h", "유한 차분 간격 h"), min=1e-8, max=0.1, log=True,
              help=T("(f(p + h) − f(p − h)) / 2h: too large a step bends with the curve, too small a "
                     "step drowns in rounding.",
                     "(f(p + h) − f(p − h)) / 2h: 간격이 너무 크면 곡선의 휨을 따라가고, 너무 작으면 "
                     "반올림 오차에 묻힙니다.")),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
)
