"""The CNN demo: the lesson, its knobs and its figures, joined into one `Demo`.

No engine: training both models in one loop with one fused Adam measured only 1.4x faster
than the plain lesson, short of the 2x an engine must earn.
"""

from demos.framework import Demo, Param, T
from demos.cnn import figures

DEMO = Demo(
    id="cnn",
    title=T("Convolutional neural networks", "합성곱 신경망 (CNN)"),
    description=T(
        "A small LeNet-style CNN and an MLP with about as many parameters learn the same handwritten "
        "digits on the same batches. Both do well on centred test digits; move the digits by a pixel "
        "or two and see which one still recognizes them. Look inside the CNN (its learned filters, "
        "the feature maps of one digit, the tensor shape at every layer), then slide a classic kernel "
        "over a real photo and check the output-size formula against PyTorch.",
        "작은 LeNet 스타일 CNN과 파라미터 수가 비슷한 MLP가 같은 배치로 같은 손글씨 숫자를 배웁니다. "
        "가운데 정렬된 테스트 숫자에서는 둘 다 잘 맞히지만, 숫자를 한두 픽셀 옮기면 어느 모델이 여전히 "
        "알아보는지 확인하십시오. CNN의 내부(학습한 필터, 숫자 하나의 특징 맵, 층마다의 텐서 모양)를 "
        "살펴본 뒤, 고전적인 커널을 실제 사진 위로 움직여 출력 크기 공식을 PyTorch의 결과와 맞춰 봅니다.",
    ),
    lesson="demos.cnn.lesson",
    params=(
        Param("steps", T("Training steps", "학습 스텝 수"), min=20, max=3000, step=10,
              help=T("Mini-batches of 64 digits; both models see the same ones.",
                     "숫자 64개짜리 미니배치 수입니다. 두 모델은 똑같은 배치를 봅니다.")),
        Param("lr", T("Learning rate (Adam)", "학습률 (Adam)"), min=1e-4, max=0.1, log=True),
        Param("filters1", T("Filters in conv layer 1", "합성곱층 1의 필터 수"), min=1, max=32,
              help=T("LeNet-5 used 6. Each filter is one 3×3 pattern detector.",
                     "LeNet-5는 6개를 썼습니다. 필터 하나가 3×3 패턴 하나를 찾아냅니다.")),
        Param("filters2", T("Filters in conv layer 2", "합성곱층 2의 필터 수"), min=1, max=64,
              help=T("LeNet-5 used 16. These combine the patterns found by layer 1.",
                     "LeNet-5는 16개를 썼습니다. 1층이 찾은 패턴들을 조합합니다.")),
        Param("shift", T("Pixels to move the test digits", "테스트 숫자를 옮길 픽셀 수"), min=1, max=3,
              help=T("After training, every test digit is moved this far left, right, up and down "
                     "(blank pixels come in at the edge). Neither model saw a moved digit in training.",
                     "학습이 끝나면 모든 테스트 숫자를 이만큼 왼쪽, 오른쪽, 위, 아래로 옮깁니다(가장자리에는 "
                     "빈 픽셀이 들어옵니다). 두 모델 모두 학습 중에는 옮긴 숫자를 보지 못했습니다.")),
        Param("digit", T("Digit to follow through the CNN", "CNN 안을 따라가 볼 숫자"), min=0, max=9,
              help=T("The first test image of this digit is shown after every layer.",
                     "이 숫자의 첫 번째 테스트 이미지가 층마다 어떻게 바뀌는지 보여 줍니다.")),
        Param("photo", T("Photo", "사진"), choices=("temple", "flower"),
              choice_labels={"temple": T("temple (Chinese temple)", "temple (중국의 사원)"),
                             "flower": T("flower (close-up)", "flower (꽃 접사)")}),
        Param("kernel", T("Kernel", "커널"),
              choices=("edge", "sobel-x", "sobel-y", "blur", "sharpen", "emboss"),
              choice_labels={"edge": T("edge (Laplacian)", "edge (라플라시안 윤곽)"),
                             "sobel-x": T("sobel-x (vertical edges)", "sobel-x (세로 에지)"),
                             "sobel-y": T("sobel-y (horizontal edges)", "sobel-y (가로 에지)"),
                             "blur": T("blur (5×5 Gaussian)", "blur (5×5 가우시안 흐림)"),
                             "sharpen": T("sharpen", "sharpen (선명하게)"),
                             "emboss": T("emboss", "emboss (양각)")},
              help=T("A hand-made kernel slid over the photo: outlines, vertical or horizontal edges, "
                     "blur, sharpening or a relief.",
                     "사진 위로 움직일 손으로 만든 커널입니다. 윤곽선, 세로 또는 가로 에지, 흐림, 선명하게, "
                     "양각 효과가 있습니다.")),
        Param("stride", T("Stride", "스트라이드"), min=1, max=8,
              help=T("How many pixels the kernel moves per step. Stride 2 halves each side.",
                     "커널이 한 번에 이동하는 픽셀 수입니다. 스트라이드 2는 각 변을 절반으로 줄입니다.")),
        Param("padding", T("Padding", "패딩"), min=0, max=8,
              help=T("Rows and columns of zeros added around the photo before convolving.",
                     "합성곱 전에 사진 둘레에 덧붙이는 0의 행과 열 수입니다.")),
    ),
    live=figures.LIVE,
    figures=figures.figures,
    summary=figures.summary,
    metric_names=figures.METRICS,
)
