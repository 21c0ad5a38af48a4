namespace Virtlab.Qga;
