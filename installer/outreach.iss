; Inno Setup script for the Windows installer of Outreach (see installer/WINDOWS.md).
; Build the bundle first (installer\build.ps1), then:  iscc installer\outreach.iss
; The version comes from the command line: iscc /DAppVersion=0.1.0 installer\outreach.iss

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif

[Setup]
AppId={{6F1C2B0E-5A53-4C64-9D1B-0E7A3C1D8F42}
AppName=Outreach
AppVersion={#AppVersion}
AppPublisher=Outreach contributors
DefaultDirName={autopf}\Outreach
DefaultGroupName=Outreach
DisableProgramGroupPage=yes
; Installs for all users of the laptop; officers' data stays in their own profiles.
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\dist
OutputBaseFilename=outreach-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
UninstallDisplayIcon={app}\outreach-gui.exe
UninstallDisplayName=Outreach {#AppVersion}
WizardStyle=modern

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
; The whole one-folder bundle made by PyInstaller.
Source: "..\dist\outreach\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Outreach"; Filename: "{app}\outreach-gui.exe"
Name: "{group}\Outreach self-test"; Filename: "{cmd}"; Parameters: "/k ""{app}\outreach.exe"" self-test"
Name: "{group}\Uninstall Outreach"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Outreach"; Filename: "{app}\outreach-gui.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\outreach-gui.exe"; Description: "{cm:LaunchProgram,Outreach}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only what the installer put there: the officers' data folders are never removed.
Type: filesandordirs; Name: "{app}\_internal"
