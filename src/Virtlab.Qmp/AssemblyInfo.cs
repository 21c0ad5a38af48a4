namespace Virtlab.Qmp;
