# Build the Windows one-folder bundle (see installer/WINDOWS.md). Run from the repository:
#   powershell -ExecutionPolicy Bypass -File installer\build.ps1 -FontDir C:\build\noto
param(
    [Parameter(Mandatory = $true)][string]$FontDir,
    [string]$Python = "py -3.11"
)
$ErrorActionPreference = "Stop"
Set-Location (Split-Path -Parent $PSScriptRoot)
$build = "build\installer"
Invoke-Expression "$Python -m venv $build\venv"
& "$build\venv\Scripts\python.exe" -m pip install -q --upgrade pip
& "$build\venv\Scripts\python.exe" -m pip install -q -e ".[installer]"
& "$build\venv\Scripts\python.exe" scripts\i18n.py compile
& "$build\venv\Scripts\python.exe" installer\collect_fonts.py "$build\fonts" --font-dir $FontDir --licence "$FontDir\OFL.txt"
$env:OUTREACH_BUNDLE_FONTS = (Resolve-Path "$build\fonts").Path
& "$build\venv\Scripts\python.exe" -m PyInstaller --noconfirm --clean --distpath dist --workpath "$build\work" installer\outreach.spec
& dist\outreach\outreach.exe self-test
if ($LASTEXITCODE -ne 0) { throw "self-test failed" }
$version = & "$build\venv\Scripts\python.exe" -c "import outreach; print(outreach.__version__)"
iscc "/DAppVersion=$version" installer\outreach.iss
